// The engine this test process drives: AUTHSOCKET_ENGINE=chromium|firefox|webkit
// (scripts/test.sh runs the browser files once per engine; Chromium when unset).
// Every engine hands out the same (subset of the) Playwright Browser API, so a
// browser test is written once; what an engine cannot do is in `engine.can`.
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { launchFirefox } from './firefox.ts';
import { CONSOLE_RECORDER } from './webkit/evaluate.ts';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

export interface Engine {
  name: EngineName;
  /** For test names: "Chromium", "Firefox", "WebKit". */
  label: string;
  can: {
    /** Chrome DevTools Protocol (heap usage, forced GC). */
    cdp: boolean;
    /** `context.setOffline` cuts open sockets too (Chromium). Firefox's leaves them working; WebKit's only flips navigator.onLine and fires the events. */
    offline: boolean;
    /** `addInitScript` before the page's own scripts (elsewhere run right after each navigation). */
    initScripts: boolean;
    /** `page.on('response'|'request')`, `route`. */
    network: boolean;
    /** Puts a page with an open WebSocket into the back/forward cache under the tests' launch flags. */
    bfcache: boolean;
  };
}

export const ENGINES: Record<EngineName, Engine> = {
  chromium: { name: 'chromium', label: 'Chromium', can: { cdp: true, offline: true, initScripts: true, network: true, bfcache: false } },
  firefox: { name: 'firefox', label: 'Firefox', can: { cdp: false, offline: false, initScripts: true, network: true, bfcache: false } },
  webkit: { name: 'webkit', label: 'WebKit', can: { cdp: false, offline: false, initScripts: false, network: false, bfcache: true } },
};

function selected(): Engine {
  const name = (process.env.AUTHSOCKET_ENGINE ?? 'chromium').toLowerCase() as EngineName;
  const engine = ENGINES[name];
  if (!engine) throw new Error(`AUTHSOCKET_ENGINE=${name}: unknown engine (chromium, firefox or webkit)`);
  return engine;
}

/** The engine of this test process. */
export const engine: Engine = selected();

/** `{ skip }` option for node:test: skips with `reason` unless the engine has the capability. */
export function unless(capable: boolean, reason: string): { skip: string | false } {
  return { skip: capable ? false : `${engine.label}: ${reason}` };
}

/**
 * `<script>` to put first in a test page's HTML when a test waits for what the page's own
 * scripts log: WebKit has no init scripts, so its console recorder must be in the page
 * before them. Empty in Chromium and Firefox (Playwright sees the console natively).
 */
export function consoleRecorderTag(): string {
  return engine.name === 'webkit' ? `<script>${CONSOLE_RECORDER}</script>` : '';
}

/** Launches the selected engine (or another one, for the bench). */
export async function launchEngine(name: EngineName = engine.name): Promise<Browser> {
  if (name === 'chromium') return launchChromium();
  if (name === 'firefox') return launchFirefox();
  const { launchWebKit } = await import('./webkit/browser.ts');
  return launchWebKit();
}
