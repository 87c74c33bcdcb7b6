// Opens a test page that loads the CDN build with a <script src> tag, plus the
// event recorder, on the given host of the static server.
import type { Browser, Page } from 'playwright-core';
import type { StaticServer } from './static-server.ts';

export async function openClientPage(browser: Browser, statics: StaticServer, host = '127.0.0.1'): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => {
    // Firefox reports its own failed-connection notices (with the URL) as page errors.
    if (!/can’t establish a connection|was interrupted while the page was loading/.test(error.message)) console.error(`[page error] ${error.message}`);
  });
  // tsx compiles test files with esbuild's keepNames, which wraps functions that
  // page.evaluate() ships to the page in a `__name` helper the page lacks (WebKit:
  // the adapter defines it for every evaluate; init scripts run after navigation).
  await page.addInitScript('window.__name = (fn) => fn');
  await page.goto(`${statics.origin(host)}/`);
  await page.addScriptTag({ url: '/dist/authsocket.min.js' });
  await page.addScriptTag({ url: '/test/support/page-recorder.js' });
  return page;
}

/** Waits (bounded) until the page's recorder holds `count` events of `type` for socket `name`. */
export async function waitForEvents(page: Page, name: string, type: string, count = 1, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    ([n, t, c]) => (window as any).entries(n, t).length >= (c as number),
    [name, type, count] as const,
    { timeout },
  );
}

export async function entries<T = any>(page: Page, name: string, type: string): Promise<T[]> {
  return page.evaluate(([n, t]) => (window as any).entries(n, t), [name, type] as const);
}
