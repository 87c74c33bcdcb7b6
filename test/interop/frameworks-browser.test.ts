// The browser client (the CDN build) against the gate beside each Node
// framework's own WebSocket plugin, wired with routeUpgrades: every browser
// carrier gets in after a 4401 with a fresh credential and the token
// `a+b c%2F;é` intact, and a Forbidden credential stops the client with
// `unauthorized` (4403), in each engine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { engine, launchBrowser } from '../support/browser.ts';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { FRAMEWORKS, frameworkGate, startApp } from '../server/frameworks-apps.ts';
import { TOKEN } from '../server/frameworks-vectors.ts';

let browser: Browser;
let statics: StaticServer;

before(async () => { [browser, statics] = await Promise.all([launchBrowser(), startStaticServer()]); });
after(async () => { await Promise.all([browser?.close(), statics?.close()]); });

const CARRIERS = ['subprotocol', 'query', 'cookie', 'message'] as const;

describe(`the client against the gate beside each framework's plugin, in ${engine.label}`, () => {
  for (const name of FRAMEWORKS) {
    test(`${name}: every carrier in after 4401, token intact; 4403 stops with unauthorized`, async () => {
      const { gate, verified } = frameworkGate([statics.origin('localhost')]);
      const app = await startApp(name, gate);
      // localhost for the page and the socket: the cookie carrier needs the same host.
      const page = await openClientPage(browser, statics, 'localhost');
      try {
        await page.evaluate(({ url, carriers, token }) => {
          const w = window as any;
          for (const via of carriers) {
            let calls = 0;
            w.track(via, new w.AuthSocket(url, {
              auth: { via, token: () => (++calls === 1 ? 'bad' : token) },
              reconnect: { minDelay: 10, maxDelay: 20 },
            }));
          }
          w.track('banned', new w.AuthSocket(url, { auth: { via: 'query', token: () => 'banned' }, reconnect: { minDelay: 10, maxDelay: 20 } }));
        }, { url: `ws://localhost:${app.port}/live`, carriers: CARRIERS, token: TOKEN });
        for (const via of CARRIERS) {
          await waitForEvents(page, via, 'message', 1);
          assert.deepEqual((await entries(page, via, 'message')).map((e) => e.payload), [{ type: 'welcome', user: 'alice' }], via);
          assert.equal((await entries(page, via, 'close'))[0]?.payload.code, 4401, `${via}: the bad credential was closed 4401`);
        }
        await waitForEvents(page, 'banned', 'unauthorized', 1);
        assert.equal((await entries(page, 'banned', 'unauthorized'))[0].payload.code, 4403);
        assert.equal(verified.filter((token) => token === TOKEN).length, CARRIERS.length, 'each carrier brought the token intact');
        assert.equal(app.frameworkSockets(), 0, 'the plugin took none of the gate\'s upgrades');
      } finally {
        await page.close();
        await app.close();
      }
    });
  }
});
