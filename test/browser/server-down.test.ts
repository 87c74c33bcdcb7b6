// The whole server down, its ticket endpoint too: the token provider's fetch()
// fails with this engine's own network TypeError, and after `hintAfter` such
// attempts the app gets the same "server down or unreachable" hint
// (CONNECTION_FAILED) that a dead WebSocket endpoint gets.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { engine } from '../support/browser.ts';
import { entries, openClientPage } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import type { TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig));

describe(`server down in ${engine.label}`, () => {
  test('the whole server down (its ticket endpoint too): after hintAfter failed provider calls, the "server down or unreachable" hint', async () => {
    // A port nothing listens on: this engine's fetch() rejects with its own network TypeError.
    const dead = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const page = await openClientPage(browser, statics);
    try {
      await page.evaluate(({ url, ticket }) => {
        (window as any).track('s', new (window as any).AuthSocket(url, {
          auth: { via: 'query', token: () => fetch(ticket, { method: 'POST' }).then((r) => r.text()) },
          reconnect: { minDelay: 10, maxDelay: 30, hintAfter: 2 },
        }));
      }, { url: server.url, ticket: `http://127.0.0.1:${dead}/ws-ticket` });
      await page.waitForFunction(() => (window as any).entries('s', 'error').length >= 4, undefined, { timeout: 10_000 });
      const errors = await entries(page, 's', 'error');
      assert.deepEqual(errors.slice(0, 3).map((e) => e.code), ['TOKEN_PROVIDER_FAILED', 'TOKEN_PROVIDER_FAILED', 'CONNECTION_FAILED']);
      assert.match(errors[2].message, /server down or unreachable/);
      assert.equal(errors.filter((e) => e.code === 'CONNECTION_FAILED').length, 1, 'the hint is given once');
      assert.equal((await entries(page, 's', 'connecting')).length, 0, 'no attempt without a credential');
    } finally {
      await page.close();
    }
  });

});
