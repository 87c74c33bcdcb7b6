// Reconnection against a real server that restarts, dies, and refuses — in each engine.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { engine } from '../support/browser.ts';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { echo, requireToken, tokenOf, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig));

describe(`reconnection in ${engine.label}`, () => {
  test('single-use tickets: a fresh one per attempt across 3 server-side kills', async () => {
    const issued = new Set<string>();
    const redeemed = new Set<string>();
    statics.route('/ticket', (_req, res) => {
      const ticket = randomUUID();
      issued.add(ticket);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(ticket);
    });
    server.handle = (connection, srv) => {
      const ticket = tokenOf(connection.handshake);
      // Single use: a replayed ticket is refused.
      if (!ticket || !issued.has(ticket) || redeemed.has(ticket)) return connection.ws.close(4401, 'bad ticket');
      redeemed.add(ticket);
      echo(connection, srv);
    };
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'subprotocol', token: () => fetch('/ticket').then((r) => r.text()) },
        reconnect: { minDelay: 50, maxDelay: 200 },
      }));
    }, server.url);
    for (let kill = 1; kill <= 3; kill++) {
      await waitForEvents(page, 's', 'open', kill);
      const live = server.connections.at(-1)!;
      live.ws.terminate();
    }
    await waitForEvents(page, 's', 'open', 4);
    assert.equal(redeemed.size, 4, 'four connections, four distinct tickets');
    assert.equal((await entries(page, 's', 'unauthorized')).length, 0);
    assert.equal((await entries(page, 's', 'error')).length, 0, 'no ticket was ever replayed');
    await page.close();
  });

  test('server restart mid-stream: 50 messages sent during the outage arrive exactly once, in order', async () => {
    server.handle = echo;
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'query', token: async () => 't' + Math.random() },
        reconnect: { minDelay: 100, maxDelay: 300 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'open');
    const first = server.connections.length;
    await server.stop();
    await waitForEvents(page, 's', 'close');
    await page.evaluate(() => {
      for (let i = 0; i < 50; i++) (window as any).sockets.s.send({ seq: i });
    });
    await server.start(server.port);
    await server.waitFor(() => server.frames.length >= 50, 15_000, '50 frames');
    const seqs = server.connections.slice(first).flatMap((c) => c.frames).map((frame) => JSON.parse(frame).seq);
    assert.deepEqual(seqs, Array.from({ length: 50 }, (_, i) => i));
    await waitForEvents(page, 's', 'message', 50);
    const echoed = (await entries(page, 's', 'message')).map((entry) => entry.payload.seq);
    assert.deepEqual(echoed, Array.from({ length: 50 }, (_, i) => i));
    await page.close();
  });

  test('4401 with an expired token, then success with a fresh one', async () => {
    server.handle = requireToken((token) => token === 'fresh');
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      let calls = 0;
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'query', token: async () => (++calls === 1 ? 'expired' : 'fresh') },
        reconnect: { minDelay: 50, maxDelay: 100 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'open', 2);
    const closes = await entries(page, 's', 'close');
    assert.equal(closes[0].payload.code, 4401);
    assert.equal(closes[0].payload.willReconnect, true);
    const errors = await entries(page, 's', 'error');
    assert.deepEqual(errors.map((error) => error.code), ['AUTH_REJECTED']);
    assert.equal(await page.evaluate(() => (window as any).sockets.s.state), 'open');
    await page.close();
  });

  test('queued messages flushed into a connection the server then refuses (4401) are sent again, once, in order', async () => {
    let connections = 0;
    // Like a gate whose check is slow: accept, read what arrives, then refuse the first connection.
    server.handle = (connection, srv) => {
      if (++connections === 1) return void setTimeout(() => connection.ws.close(4401, 'expired'), 100);
      echo(connection, srv);
    };
    const first = server.connections.length;
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      const socket = (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'query', token: async () => 'tok' },
        reconnect: { minDelay: 10, maxDelay: 20 },
      }));
      for (let i = 0; i < 5; i++) socket.send({ seq: i });
      socket.on('open', () => socket.state === 'open' && socket.send({ seq: 'after-open' }));
    }, server.url);
    await waitForEvents(page, 's', 'open', 2);
    await server.waitFor(() => (server.connections[first + 1]?.frames.length ?? 0) >= 7, 5000, '7 frames on the second connection');
    const refused = server.connections[first]!.frames.map((f) => JSON.parse(f).seq);
    const accepted = server.connections[first + 1]!.frames.map((f) => JSON.parse(f).seq);
    assert.deepEqual(refused, [0, 1, 2, 3, 4, 'after-open'], 'the refused connection got them first');
    assert.deepEqual(accepted, [0, 1, 2, 3, 4, 'after-open', 'after-open'], 'sent again in order; the second open sends its own');
    await page.close();
  });

  test('4401 forever: gives up with unauthorized after maxFailures, though each socket opened', async () => {
    server.handle = requireToken(() => false);
    const page = await openClientPage(browser, statics);
    const before = server.handshakes.length;
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'subprotocol', token: async () => 'nope', maxFailures: 3 },
        reconnect: { minDelay: 20, maxDelay: 50 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'unauthorized');
    const [unauthorized] = await entries(page, 's', 'unauthorized');
    assert.deepEqual(unauthorized.payload, { code: 4401, reason: 'invalid token' });
    assert.equal(await page.evaluate(() => (window as any).sockets.s.state), 'closed');
    assert.equal(server.handshakes.length - before, 3, 'exactly maxFailures attempts');
    assert.equal((await entries(page, 's', 'open')).length, 3, 'each attempt opened before its 4401');
    const closes = await entries(page, 's', 'close');
    assert.deepEqual(closes.map((c) => c.payload.willReconnect), [true, true, false]);
    await page.close();
  });

  test('4403: stops at once with unauthorized', async () => {
    server.handle = ({ ws }) => ws.close(4403, 'forbidden');
    const page = await openClientPage(browser, statics);
    const before = server.handshakes.length;
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'query', token: 'tok-4403' },
        reconnect: { minDelay: 20, maxDelay: 50 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'unauthorized');
    const [unauthorized] = await entries(page, 's', 'unauthorized');
    assert.deepEqual(unauthorized.payload, { code: 4403, reason: 'forbidden' });
    assert.equal(server.handshakes.length - before, 1);
    assert.equal(await page.evaluate(() => (window as any).sockets.s.state), 'closed');
    await page.close();
  });

  test('HTTP 401 on the upgrade: failed attempts report 1006 (not a synthetic 1000) and one CONNECTION_FAILED hint', async () => {
    server.refuseWith = 401;
    const page = await openClientPage(browser, statics);
    try {
      await page.evaluate((url) => {
        (window as any).track('s', new (window as any).AuthSocket(url, {
          auth: { via: 'query', token: 'tok' },
          reconnect: { minDelay: 10, maxDelay: 30, hintAfter: 3 },
        }));
      }, server.url);
      await waitForEvents(page, 's', 'close', 5);
      const closes = await entries(page, 's', 'close');
      assert.ok(closes.every((c) => c.payload.code === 1006 && c.payload.wasClean === false && c.payload.willReconnect));
      const hints = (await entries(page, 's', 'error')).filter((e) => e.code === 'CONNECTION_FAILED');
      assert.equal(hints.length, 1, 'the hint is given once');
      assert.match(hints[0].message, /4401/);
      assert.equal((await entries(page, 's', 'open')).length, 0);
    } finally {
      server.refuseWith = undefined;
      await page.close();
    }
  });

  test('a throwing, a rejecting and a hanging token provider: TOKEN_PROVIDER_FAILED, then normal backoff, never stuck', async () => {
    server.handle = echo;
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      let calls = 0;
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: {
          via: 'query',
          token: () => {
            calls += 1;
            if (calls === 1) throw new Error('provider exploded: secret-xyz');
            if (calls === 2) return Promise.reject(new Error('rejected'));
            if (calls === 3) return new Promise(() => {}); // hangs past the 10 s limit
            return 'good-token';
          },
        },
        reconnect: { minDelay: 10, maxDelay: 20 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'open', 1, 20_000);
    const errors = await entries(page, 's', 'error');
    assert.deepEqual(errors.map((e) => e.code), ['TOKEN_PROVIDER_FAILED', 'TOKEN_PROVIDER_FAILED', 'TOKEN_PROVIDER_FAILED']);
    assert.match(errors[2].message, /10000 ms/);
    assert.ok(errors.every((e) => !e.message.includes('secret-xyz')));
    assert.equal((await entries(page, 's', 'reconnecting')).length, 3);
    await page.close();
  });

  test('close() while connecting, while authenticating and during a backoff wait: no further attempt', async () => {
    // Connections that never answer the auth frame keep the socket in `authenticating`.
    server.handle = () => {};
    const page = await openClientPage(browser, statics);
    const downUrl = 'ws://127.0.0.1:9/ws'; // nothing listens on the discard port
    const before = server.handshakes.length;
    await page.evaluate(({ url, downUrl }) => {
      const w = window as any;
      w.calls = { connecting: 0, authenticating: 0, backoff: 0 };
      const provider = (name: string) => () => { w.calls[name] += 1; return 'tok-' + name; };
      const connecting = w.track('connecting', new w.AuthSocket(url, { auth: { via: 'query', token: provider('connecting') } }));
      connecting.on('connecting', () => connecting.close());
      const authenticating = w.track('authenticating', new w.AuthSocket(url, { auth: { via: 'message', token: provider('authenticating') } }));
      authenticating.on('state', ({ to }: any) => to === 'authenticating' && authenticating.close());
      const backoff = w.track('backoff', new w.AuthSocket(downUrl, { auth: { via: 'query', token: provider('backoff') }, reconnect: { minDelay: 1000, maxDelay: 1000 } }));
      backoff.on('reconnecting', () => backoff.close());
    }, { url: server.url, downUrl });
    for (const name of ['connecting', 'authenticating', 'backoff']) {
      await page.waitForFunction((n) => (window as any).sockets[n].state === 'closed', name, { timeout: 5000 });
    }
    const handshakesAtClose = server.handshakes.length;
    // Negative check, bounded: nothing may happen for 5 s (backoff would have fired after 1 s).
    await page.waitForTimeout(5000);
    const calls = await page.evaluate(() => (window as any).calls);
    assert.deepEqual(calls, { connecting: 1, authenticating: 1, backoff: 1 });
    assert.equal(server.handshakes.length, handshakesAtClose);
    assert.ok(handshakesAtClose - before <= 2);
    for (const name of ['connecting', 'authenticating', 'backoff']) {
      const states = (await entries(page, name, 'state')).map((e) => e.payload.to);
      assert.equal(states.at(-1), 'closed', `${name}: ${states.join(' → ')}`);
      assert.equal((await entries(page, name, 'connecting')).length, 1, `${name}: one attempt only`);
    }
    await page.close();
  });

  test('jitter: 50 retry delays are full-jitter and spread out', async () => {
    // The server accepts and closes at once (Chromium throttles retries to a host
    // that refuses connections, which would slow this test down).
    server.handle = ({ ws }) => ws.close(1001, 'going away');
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'query', token: 'tok' },
        reconnect: { minDelay: 4, maxDelay: 40, factor: 2 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'reconnecting', 50, 30_000);
    await page.evaluate(() => (window as any).sockets.s.close());
    const delays = (await entries(page, 's', 'reconnecting')).slice(0, 50).map((e) => e.payload.delay as number);
    delays.forEach((delay, n) => assert.ok(delay >= 0 && delay <= Math.min(40, 4 * 2 ** n), `delay ${n} = ${delay}`));
    const capped = delays.slice(4);
    assert.ok(new Set(capped).size >= 15, `delays spread out: ${capped.join(',')}`);
    const mean = capped.reduce((a, b) => a + b, 0) / capped.length;
    assert.ok(mean > 10 && mean < 30, `mean of uniform [0, 40] ≈ 20, got ${mean}`);
    await page.close();
  });
});
