// Launches the engine this test process runs in (AUTHSOCKET_ENGINE, Chromium by
// default): Chromium and Firefox through Playwright, WebKit through WebDriver
// behind the same Browser/Page API (test/support/engines/).
import type { Browser } from 'playwright-core';
import { launchEngine } from './engines/index.ts';

export { consoleRecorderTag, engine, unless, type Engine, type EngineName } from './engines/index.ts';

export async function launchBrowser(): Promise<Browser> {
  return launchEngine();
}
