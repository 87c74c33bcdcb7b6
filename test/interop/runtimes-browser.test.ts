// The browser client (the CDN build) against the gate on Bun.serve, Deno.serve,
// a Worker and a Durable Object (workerd), in each engine: every browser
// carrier gets in after a 4401 with a fresh credential and the token
// `a+b c%2F;é` intact; a Forbidden credential stops the client with
// `unauthorized` (4403); with `ack` the client opens on the server's auth_ok
// (never delivered as a message); a credential's end closes 4401 and the client
// comes back with a fresh one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { engine, launchBrowser } from '../support/browser.ts';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { TOKEN } from './runtimes/app.ts';
import { requireRuntime } from './runtimes/harness.ts';
import { TARGETS } from './runtimes/targets.ts';

let browser: Browser;
let statics: StaticServer;

before(async () => { [browser, statics] = await Promise.all([launchBrowser(), startStaticServer()]); });
after(async () => { await Promise.all([browser?.close(), statics?.close()]); });

const CARRIERS = ['subprotocol', 'query', 'cookie', 'message'] as const;

describe(`the client against the gate on each runtime, in ${engine.label}`, () => {
  for (const target of TARGETS) {
    test(`${target.name}: every carrier in after 4401, token intact; 4403 stops; ack; expiry → 4401 → back in`, requireRuntime(target.runtime), async () => {
      const runtime = await target.start([statics.origin('localhost')]);
      // The page on localhost; the cookie carrier's socket too (a cookie goes to the page's
      // host), every other socket to 127.0.0.1, where that cookie, written for each of
      // the cookie socket's attempts, cannot ride along and admit them instead.
      const hosts = { cookie: `ws://localhost:${runtime.port}${target.prefix}`, other: `ws://127.0.0.1:${runtime.port}${target.prefix}` };
      const page = await openClientPage(browser, statics, 'localhost');
      try {
        await page.evaluate(({ hosts, carriers, token }) => {
          const w = window as any;
          const reconnect = { minDelay: 10, maxDelay: 20 };
          const base = hosts.other;
          for (const via of carriers) {
            let calls = 0;
            w.track(via, new w.AuthSocket(`${via === 'cookie' ? hosts.cookie : base}/live`, { auth: { via, token: () => (++calls === 1 ? 'bad' : token) }, reconnect }));
          }
          w.track('banned', new w.AuthSocket(`${base}/live`, { auth: { via: 'query', token: () => 'banned' }, reconnect }));
          w.track('ack', new w.AuthSocket(`${base}/ack`, { auth: { via: 'subprotocol', token, ack: true }, reconnect }));
          let briefCalls = 0;
          w.track('brief', new w.AuthSocket(`${base}/live`, { auth: { via: 'query', token: () => (++briefCalls === 1 ? 'brief' : token) }, reconnect }));
        }, { hosts, carriers: CARRIERS, token: TOKEN });

        for (const via of CARRIERS) {
          await waitForEvents(page, via, 'message', 1);
          assert.deepEqual((await entries(page, via, 'message')).map((e) => e.payload), [{ type: 'welcome', user: 'alice' }], via);
          assert.equal((await entries(page, via, 'close'))[0]?.payload.code, 4401, `${via}: the bad credential was closed 4401`);
        }
        await waitForEvents(page, 'banned', 'unauthorized', 1);
        assert.equal((await entries(page, 'banned', 'unauthorized'))[0].payload.code, 4403);

        await waitForEvents(page, 'ack', 'message', 1);
        assert.deepEqual((await entries(page, 'ack', 'message')).map((e) => e.payload), [{ type: 'welcome', user: 'alice' }], 'auth_ok is not a message');
        assert.equal((await entries(page, 'ack', 'open')).length, 1);

        await waitForEvents(page, 'brief', 'message', 2);
        const briefClose = (await entries(page, 'brief', 'close'))[0]?.payload;
        assert.deepEqual([briefClose?.code, briefClose?.reason], [4401, 'credential expired']);
        assert.deepEqual((await entries(page, 'brief', 'message')).map((e) => e.payload.user), ['bob', 'alice']);

        const verified = (await (await fetch(`http://127.0.0.1:${runtime.port}${target.prefix}/verified`)).json()) as string[];
        assert.equal(verified.filter((token) => token === TOKEN).length, CARRIERS.length + 2, 'each carrier, ack and the refresh brought the token intact');
      } finally {
        await page.close();
        await runtime.stop();
      }
    });
  }
});
