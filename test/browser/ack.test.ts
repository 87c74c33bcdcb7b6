// `ack` in Chromium: the CDN build with `auth.ack: true` against a gate with
// `ack: true`, for the carriers a browser cannot otherwise judge
// (subprotocol, query, cookie). A refused credential never fires `open`; the
// ack is never a message; a gate without ack gives AUTH_TIMEOUT.
// Needs the client's `auth.ack` (SPEC "Confirmed open"); written against the SPEC API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { startGate, type TestGate } from '../support/server-gate.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';

let browser: Browser;
let statics: StaticServer;
let acking: TestGate<string>;
let silent: TestGate<string>;

before(async () => {
  [browser, statics] = await Promise.all([launchBrowser(), startStaticServer()]);
  const origins = [statics.origin('localhost'), statics.origin('127.0.0.1')];
  acking = await startGate({ origins, ack: true });
  silent = await startGate({ origins });
});
after(async () => {
  await Promise.all([browser?.close(), statics?.close(), acking?.close(), silent?.close()]);
});

describe('auth.ack in Chromium', () => {
  for (const via of ['subprotocol', 'query', 'cookie'] as const) {
    test(`${via}: a refused credential fires no open; open follows the gate's auth_ok`, async () => {
      const host = via === 'cookie' ? 'localhost' : '127.0.0.1';
      const page = await openClientPage(browser, statics, host);
      await page.evaluate(({ url, via }) => {
        const w = window as any;
        let calls = 0;
        w.track('s', new w.AuthSocket(url, {
          auth: { via, ack: true, token: async () => (++calls === 1 ? 'bad' : 'good') },
          reconnect: { minDelay: 10, maxDelay: 20 },
        }));
      }, { url: `ws://${host}:${acking.port}/`, via });
      await waitForEvents(page, 's', 'message', 1);
      const log = await page.evaluate(() => (window as any).logs.s.map((e: any) =>
        e.type === 'close' ? `close:${e.payload.code}` : e.type === 'message' ? `message:${e.payload.type}` : e.type === 'state' ? `state:${e.payload.to}` : e.type));
      assert.equal(log.filter((line: string) => line === 'open').length, 1, log.join(' '));
      assert.ok(log.indexOf('close:4401') >= 0 && log.indexOf('close:4401') < log.indexOf('open'), log.join(' '));
      const messages = (await entries(page, 's', 'message')).map((e) => e.payload);
      assert.deepEqual(messages, [{ type: 'welcome', user: 'alice' }], 'the ack is not a message');
      await page.close();
    });
  }

  test('a gate without ack: AUTH_TIMEOUT, no open', async () => {
    const page = await openClientPage(browser, statics);
    await page.evaluate(({ url }) => {
      const w = window as any;
      w.track('s', new w.AuthSocket(url, { auth: { via: 'query', ack: true, timeout: 300, token: 'good' }, reconnect: { minDelay: 10, maxDelay: 20 } }));
    }, { url: `ws://127.0.0.1:${silent.port}/` });
    await page.waitForFunction(() => (window as any).entries('s', 'error').some((e: any) => e.code === 'AUTH_TIMEOUT'), undefined, { timeout: 5_000 });
    assert.equal((await entries(page, 's', 'open')).length, 0);
    await page.close();
  });
});
