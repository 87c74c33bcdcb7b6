// The message carrier's verdicts and re-authentication before expiry — in each engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { type Handler, messageAuth, requireToken, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig));

/** Message-carrier server that also accepts later auth frames on the live connection, and echoes the rest. */
const reauthingServer = (seen: string[]): Handler => ({ ws }) => {
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'auth') {
      seen.push(frame.token);
      return ws.send(JSON.stringify({ type: 'auth_ok' }));
    }
    ws.send(data.toString());
  });
};

describe('message carrier verdicts', () => {
  test('a reject message is an auth failure: fresh credential, retry, then success', async () => {
    server.handle = messageAuth((token) => token === 'good');
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      let calls = 0;
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'message', token: async () => (++calls === 1 ? 'bad' : 'good') },
        reconnect: { minDelay: 20, maxDelay: 40 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'open');
    const errors = await entries(page, 's', 'error');
    assert.equal(errors[0].code, 'AUTH_REJECTED');
    assert.equal((await entries(page, 's', 'close'))[0].payload.code, 4401);
    await page.close();
  });

  test('no ack within auth.timeout: AUTH_TIMEOUT, counted toward maxFailures', async () => {
    server.handle = () => {}; // accepts, never answers
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'message', token: 'tok', timeout: 300, maxFailures: 2 },
        reconnect: { minDelay: 10, maxDelay: 20 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'unauthorized', 1, 10_000);
    const errors = await entries(page, 's', 'error');
    assert.deepEqual(errors.map((e) => e.code), ['AUTH_TIMEOUT', 'AUTH_TIMEOUT']);
    assert.equal((await entries(page, 's', 'open')).length, 0, 'never open without an ack');
    await page.close();
  });
});

describe('re-authentication before expiry (3 s tokens)', () => {
  for (const refresh of ['in-place', 'reconnect'] as const) {
    test(`${refresh}: refreshes before expiry and keeps delivering, no message lost`, async () => {
      const seen: string[] = [];
      // What the server received, per connection, in arrival order.
      const arrived: number[][] = [];
      server.handle = refresh === 'in-place'
        ? reauthingServer(seen)
        : (connection) => {
            seen.push(new URL(connection.handshake.url, 'http://x').searchParams.get('access_token') ?? '');
            const log: number[] = [];
            arrived.push(log);
            // Replies take 30 ms: some are on their way when the client switches connections.
            connection.ws.on('message', (data) => {
              log.push(JSON.parse(data.toString()).seq);
              setTimeout(() => connection.ws.readyState === 1 && connection.ws.send(data.toString()), 30);
            });
          };
      const firstConnection = server.connections.length;
      const page = await openClientPage(browser, statics);
      await page.evaluate(({ url, refresh }) => {
        const w = window as any;
        let n = 0;
        const socket = w.track('s', new w.AuthSocket(url, {
          auth: {
            via: refresh === 'in-place' ? 'message' : 'query',
            refresh,
            token: async () => ({ token: `tok-${++n}`, expiresAt: Date.now() + 3000 }),
          },
        }));
        let seq = 0;
        w.ticker = setInterval(() => socket.send({ seq: seq++ }), 25);
        w.stopTicker = () => { clearInterval(w.ticker); return seq; };
      }, { url: server.url, refresh });
      await waitForEvents(page, 's', 'reauthenticated', 2, 15_000);
      const sent = await page.evaluate(() => (window as any).stopTicker());
      await waitForEvents(page, 's', 'message', sent, 5000);
      const received = (await entries(page, 's', 'message')).map((e) => e.payload.seq);
      const all = Array.from({ length: sent }, (_, i) => i);
      if (refresh === 'in-place') assert.deepEqual(received, all, 'every reply exactly once, in order (one connection)');
      else {
        // What the client sends keeps its order across the switch: everything on the old
        // connection, then everything on the new one, each message once.
        assert.deepEqual(arrived.flat(), all, 'the server got every message exactly once, in send order');
        // Replies still on their way on the retired connection may land after the new
        // connection's first ones (two TCP connections; seen in WebKit): once each, none lost.
        assert.deepEqual([...received].sort((a, b) => a - b), all, 'every reply exactly once');
      }
      const reauths = await entries(page, 's', 'reauthenticated');
      assert.ok(reauths.every((e) => e.payload.via === refresh));
      assert.deepEqual(seen.slice(0, 3), ['tok-1', 'tok-2', 'tok-3'], 'a fresh credential each time');
      assert.equal((await entries(page, 's', 'close')).length, 0, 'the logical connection never closed');
      const connections = server.connections.slice(firstConnection);
      if (refresh === 'in-place') assert.equal(connections.length, 1, 'same connection throughout');
      else {
        assert.ok(connections.length >= 3, 'a new connection per refresh');
        await server.waitFor(() => connections[0]!.ws.readyState === 3, 5000, 'old connection closed');
      }
      await page.close();
    });
  }

  test('the connection drops while a make-before-break candidate is pending: reauthenticate() rejects, the client reconnects normally', async () => {
    server.handle = requireToken(() => true);
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      const w = window as any;
      let n = 0;
      w.track('s', new w.AuthSocket(url, {
        auth: {
          via: 'query',
          // The candidate's credential (2nd call) takes 800 ms: time to kill the live connection.
          token: async () => { n += 1; if (n === 2) await new Promise((r) => setTimeout(r, 800)); return `tok-${n}`; },
        },
        reconnect: { minDelay: 10, maxDelay: 20 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'open');
    const outcome = page.evaluate(() => (window as any).sockets.s.reauthenticate().then(() => 'resolved', (e: any) => e.code));
    await page.waitForTimeout(100);
    server.connections.at(-1)!.ws.terminate();
    assert.equal(await outcome, 'CONNECTION_FAILED');
    await waitForEvents(page, 's', 'open', 2);
    await page.waitForTimeout(1000); // the late candidate credential must not switch anything
    assert.equal(await page.evaluate(() => (window as any).sockets.s.state), 'open');
    assert.equal((await entries(page, 's', 'reauthenticated')).length, 0);
    assert.equal((await entries(page, 's', 'open')).length, 2);
    await page.close();
  });

  test('make-before-break refused (4401): reauthenticate() rejects, an error says so, the current connection stays up', async () => {
    server.handle = requireToken((token) => token === 'tok-1');
    const page = await openClientPage(browser, statics);
    const outcome = await page.evaluate(async (url) => {
      const w = window as any;
      let n = 0;
      const socket = w.track('s', new w.AuthSocket(url, { auth: { via: 'query', token: async () => `tok-${++n}` } }));
      await socket.ready();
      const result = await socket.reauthenticate().then(() => 'resolved', (e: any) => e.code);
      socket.send({ still: 'here' });
      return result;
    }, server.url);
    assert.equal(outcome, 'AUTH_REJECTED');
    await waitForEvents(page, 's', 'message');
    assert.deepEqual((await entries(page, 's', 'message'))[0].payload, { still: 'here' });
    const errors = await entries(page, 's', 'error');
    assert.deepEqual(errors.map((e) => e.code), ['AUTH_REJECTED']);
    assert.match(errors[0].message, /current connection stays up/);
    assert.equal((await entries(page, 's', 'close')).length, 0);
    await page.close();
  });

  test('reauthenticate() on demand; a JWT exp is read when no expiresAt is given', async () => {
    const seen: string[] = [];
    server.handle = reauthingServer(seen);
    const page = await openClientPage(browser, statics);
    const result = await page.evaluate(async (url) => {
      const w = window as any;
      const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
      let n = 0;
      const socket = w.track('s', new w.AuthSocket(url, {
        auth: {
          via: 'message',
          refresh: 'in-place',
          // exp 2 s ahead (seconds since epoch): the refresh runs about 1.8 s after open.
          token: () => `${b64({ alg: 'none' })}.${b64({ n: ++n, exp: Math.ceil(Date.now() / 1000) + 2 })}.sig`,
        },
      }));
      await socket.ready();
      await socket.reauthenticate();
      return w.entries('s', 'reauthenticated').length;
    }, server.url);
    assert.equal(result, 1);
    await waitForEvents(page, 's', 'reauthenticated', 2, 5000);
    assert.equal(seen.length, 3);
    await page.close();
  });
});
