// Dead links, offline pages and half-open servers — in each engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { WebSocket } from 'ws';
import { engine } from '../support/browser.ts';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { echo, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig), echo);

/** The server stops reading and writing on this connection without closing it. */
function goSilent(ws: WebSocket): void {
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  ws.send = () => {};
}

describe(`liveness in ${engine.label}`, () => {
  test('half-open server: the heartbeat gives the socket up (4000) and reconnects without waiting for a close', async () => {
    server.handle = echo;
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'query', token: 'tok' },
        heartbeat: { interval: 300, timeout: 400 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'open');
    // Pongs flow while the server is healthy: no spurious reconnect, pongs not delivered as messages.
    await server.waitFor(() => server.connections.at(-1)!.frames.length >= 2, 5000, 'two pings');
    assert.equal((await entries(page, 's', 'message')).length, 0, 'pongs are not messages');
    const count = server.connections.length;
    // Counted from here: on a loaded machine a pong can miss the 400 ms once before this point.
    const opens = (await entries(page, 's', 'open')).length;
    const closes = (await entries(page, 's', 'close')).length;
    goSilent(server.connections.at(-1)!.ws);
    await waitForEvents(page, 's', 'open', opens + 1, 5000);
    const close = (await entries(page, 's', 'close'))[closes];
    assert.deepEqual(
      { code: close.payload.code, reason: close.payload.reason, willReconnect: close.payload.willReconnect },
      { code: 4000, reason: 'heartbeat timeout', willReconnect: true },
    );
    const reconnecting = (await entries(page, 's', 'reconnecting'))[closes];
    assert.equal(reconnecting.payload.delay, 0, 'a dead link is retried at once');
    assert.equal(server.connections.length, count + 1);
    await page.close();
  });

  test(`setOffline${engine.can.offline ? '' : ' (emulated: navigator.onLine + a silent server)'}: the heartbeat detects the dead link, no attempt while offline, reconnect on online`, async () => {
    server.handle = echo;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript('window.__name = (fn) => fn');
    await page.goto(`${statics.origin()}/`);
    await page.addScriptTag({ url: '/dist/authsocket.min.js' });
    await page.addScriptTag({ url: '/test/support/page-recorder.js' });
    await page.evaluate((url) => {
      const w = window as any;
      w.providerCalls = 0;
      w.track('s', new w.AuthSocket(url, {
        auth: { via: 'query', token: () => { w.providerCalls += 1; return 'tok'; } },
        heartbeat: { interval: 5000, timeout: 500 },
        reconnect: { minDelay: 10, maxDelay: 20 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'open');
    const handshakes = server.handshakes.length;
    // WebKit cannot cut the network: its setOffline only flips navigator.onLine and
    // fires `offline`; the link goes dead on the server's side instead.
    if (!engine.can.offline) goSilent(server.connections.at(-1)!.ws);
    await context.setOffline(true);
    // The `offline` event triggers an immediate ping; nothing answers within 500 ms.
    await waitForEvents(page, 's', 'close', 1, 5000);
    const [close] = await entries(page, 's', 'close');
    assert.equal(close.payload.reason, 'heartbeat timeout');
    // While offline the client waits for the network instead of spinning (bounded negative check).
    await page.waitForTimeout(1000);
    assert.equal(await page.evaluate(() => (window as any).providerCalls), 1);
    assert.equal((await entries(page, 's', 'connecting')).length, 1);
    assert.equal(server.handshakes.length, handshakes);
    await context.setOffline(false);
    await waitForEvents(page, 's', 'open', 2, 5000);
    assert.equal(await page.evaluate(() => (window as any).providerCalls), 2);
    await context.close();
  });

  test('online event during a long backoff wait: retries at once', async () => {
    server.handle = echo;
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'query', token: 'tok' },
        reconnect: { minDelay: 60_000, maxDelay: 60_000 },
      }));
    }, server.url);
    await waitForEvents(page, 's', 'open');
    // Make Math.random return 1 so that the next delay is the full 60 s.
    await page.evaluate(() => { Math.random = () => 1; });
    server.connections.at(-1)!.ws.terminate();
    await waitForEvents(page, 's', 'reconnecting');
    const [reconnecting] = await entries(page, 's', 'reconnecting');
    assert.equal(reconnecting.payload.delay, 60_000);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitForEvents(page, 's', 'open', 2, 5000);
    await page.close();
  });

  test('malformed JSON: error DECODE_FAILED and the socket stays open', async () => {
    server.handle = (connection, srv) => {
      echo(connection, srv);
      connection.ws.send('{not json');
      connection.ws.send('{"after":true}');
    };
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, { auth: { via: 'query', token: 'tok' } }));
    }, server.url);
    await waitForEvents(page, 's', 'message');
    const errors = await entries(page, 's', 'error');
    assert.deepEqual(errors.map((e) => e.code), ['DECODE_FAILED']);
    assert.deepEqual((await entries(page, 's', 'message'))[0].payload, { after: true });
    assert.equal(await page.evaluate(() => (window as any).sockets.s.state), 'open');
    assert.equal((await entries(page, 's', 'close')).length, 0);
    await page.close();
  });
});

describe(`codecs in ${engine.label}`, () => {
  test('a custom codec gets binary frames as ArrayBuffer and encodes what it sends', async () => {
    server.handle = ({ ws }) => {
      ws.on('message', (data, isBinary) => {
        // Echo binary frames; answer text with a binary frame of its UTF-8 bytes.
        ws.send(isBinary ? data : Buffer.from(data.toString()), { binary: true });
      });
    };
    const page = await openClientPage(browser, statics);
    await page.evaluate((url) => {
      const w = window as any;
      w.track('s', new w.AuthSocket(url, {
        auth: { via: 'query', token: 'tok' },
        codec: {
          encode: (msg: { text: string }) => new TextEncoder().encode(msg.text),
          decode: (data: unknown) => ({
            kind: data instanceof ArrayBuffer ? 'ArrayBuffer' : Object.prototype.toString.call(data),
            text: data instanceof ArrayBuffer ? new TextDecoder().decode(data) : String(data),
          }),
        },
      })).send({ text: 'bytes ✓' });
    }, server.url);
    await waitForEvents(page, 's', 'message');
    assert.deepEqual((await entries(page, 's', 'message'))[0].payload, { kind: 'ArrayBuffer', text: 'bytes ✓' });
    await page.close();
  });
});
