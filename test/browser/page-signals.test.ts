// The page's own signals and the handshake's limits, in each engine: visibility,
// the back/forward cache, a handshake that never completes, maxRetries.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { echo, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;
let blackHole: Server;
let blackHolePort: number;

useBrowserRig((rig) => ({ browser, statics, server } = rig), echo);
before(async () => {
  // Accepts TCP connections and never answers the upgrade request.
  blackHole = createServer(() => {});
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  blackHolePort = (blackHole.address() as AddressInfo).port;
});
after(async () => {
  blackHole?.close();
});

describe('page signals and handshake limits', () => {
  test('visible again after being hidden longer than heartbeat.timeout: pings at once', async () => {
    server.handle = echo;
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      const w = window as any;
      w.visibility = 'visible';
      Object.defineProperty(document, 'visibilityState', { get: () => w.visibility });
      w.track('s', new w.AuthSocket(url, {
        auth: { via: 'query', token: 'tok' },
        heartbeat: { interval: 60_000, timeout: 200 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'open');
    const connection = server.connections.at(-1)!;
    await page.evaluate(() => {
      (window as any).visibility = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(300); // hidden longer than the 200 ms heartbeat timeout
    await page.evaluate(() => {
      (window as any).visibility = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
    });
    // The interval is a minute: a ping now can only come from the visibility check.
    await server.waitFor(() => connection.frames.includes('{"type":"ping"}'), 3000, 'a ping');
    await page.waitForTimeout(400); // the pong arrived: no reconnect
    assert.equal((await entries(page, 's', 'close')).length, 0);
    await page.close();
  });

  test('pagehide (bfcache) closes cleanly and keeps the queue; pageshow reconnects and flushes it', async () => {
    server.handle = echo;
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, { auth: { via: 'query', token: 'tok' } }));
    }, server.url);
    await waitForEvents(page, 's', 'open');
    const connection = server.connections.at(-1)!;
    await page.evaluate(() => {
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      (window as any).sockets.s.send({ queued: true });
    });
    await server.waitFor(() => connection.ws.readyState === 3, 3000, 'the server to see the close');
    const [close] = await entries(page, 's', 'close');
    assert.deepEqual(close.payload, { code: 1000, reason: 'page hidden', wasClean: true, willReconnect: true });
    assert.equal(await page.evaluate(() => (window as any).sockets.s.state), 'reconnecting');
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
    await waitForEvents(page, 's', 'message');
    assert.deepEqual((await entries(page, 's', 'message'))[0].payload, { queued: true });
    await page.close();
  });

  test('a handshake that never completes fails after connectionTimeout and is retried', async () => {
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'query', token: 'tok' },
        reconnect: { connectionTimeout: 300, minDelay: 10, maxDelay: 20 },
      }));
    }, `ws://127.0.0.1:${blackHolePort}/`);
    await waitForEvents(page, 's', 'connecting', 3, 10_000);
    const closes = await entries(page, 's', 'close');
    assert.ok(closes.length >= 2);
    assert.deepEqual(closes[0].payload, { code: 1006, reason: 'connection timeout', wasClean: false, willReconnect: true });
    await page.evaluate(() => (window as any).sockets.s.close());
    await page.close();
  });

  test('maxRetries: after that many failed retries, CONNECTION_FAILED and closed', async () => {
    server.refuseWith = 401;
    const page = await openClientPage(browser, statics);
    try {
      await page.evaluate((url) => {
        (window as any).track('s', new (window as any).AuthSocket(url, {
          auth: { via: 'query', token: 'tok' },
          reconnect: { minDelay: 10, maxDelay: 20, maxRetries: 2, hintAfter: 100 },
        }));
      }, server.url);
      await page.waitForFunction(() => (window as any).sockets.s.state === 'closed', undefined, { timeout: 10_000 });
      assert.equal((await entries(page, 's', 'connecting')).length, 3, 'the first attempt and 2 retries');
      const errors = await entries(page, 's', 'error');
      assert.deepEqual(errors.map((e) => e.code), ['CONNECTION_FAILED']);
      assert.match(errors[0].message, /Gave up after 2/);
      const closes = await entries(page, 's', 'close');
      assert.deepEqual(closes.map((c) => c.payload.willReconnect), [true, true, false]);
    } finally {
      server.refuseWith = undefined;
      await page.close();
    }
  });
});
