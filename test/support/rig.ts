// The usual browser-test rig: Chromium, the static page server and a test
// WebSocket server, started before the file's tests and stopped after.
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { startStaticServer, type StaticServer } from './static-server.ts';
import { type Handler, startTestServer, type TestServer } from './ws-server.ts';

export interface Rig {
  browser: Browser;
  statics: StaticServer;
  server: TestServer;
}

/** Registers the file's before/after hooks; `ready` receives the rig once it runs. */
export function useBrowserRig(ready: (rig: Rig) => void, handle?: Handler): void {
  let rig: Partial<Rig> = {};
  before(async () => {
    const [browser, statics, server] = await Promise.all([launchBrowser(), startStaticServer(), startTestServer(handle)]);
    rig = { browser, statics, server };
    ready(rig as Rig);
  });
  after(async () => {
    await Promise.all([rig.browser?.close(), rig.statics?.close(), rig.server?.stop()]);
  });
}
