// The cookie carrier's credential never stays in the jar (issue 10 row 3), its
// size limit, and Secure only on https (WebKit drops it on http://localhost), against a fake page:
// a `document` with a cookie jar, `location`, and `window` for pagehide.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { AuthSocket } from '../../src/index.ts';
import { useClients } from './client-harness.ts';
import { eventually, FakeWebSocket, nextEvent, quietFor, within } from './fake-websocket.ts';

/** A cookie jar with js-cookie's view of `document.cookie`; every write is logged. */
class FakeJar extends EventTarget {
  readonly cookies = new Map<string, string>();
  readonly writes: string[] = [];
  get cookie(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  set cookie(text: string) {
    this.writes.push(text);
    const [pair, ...attributes] = text.split(';').map((part) => part.trim());
    const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
    const expires = attributes.find((a) => a.toLowerCase().startsWith('expires='));
    if (expires && Date.parse(expires.slice(8)) < Date.now()) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

const jar = new FakeJar();
const page = globalThis as any;
page.document = jar;
page.window = new EventTarget();
const setPage = (href: string) => {
  const url = new URL(href);
  page.location = { href, hostname: url.hostname, protocol: url.protocol, host: url.host };
};
beforeEach(() => {
  jar.cookies.clear();
  jar.writes.length = 0;
  setPage('https://app.example.test/');
});

const { create, freshToken } = useClients();
const URL_ = 'wss://app.example.test/ws';
const written = (token: string) => jar.writes.filter((write) => write.startsWith(`ws_token=${token}`)).length;

/** A provider whose answers the test releases one by one. */
function heldProvider() {
  const pending: Array<(token: string) => void> = [];
  let n = 0;
  return {
    token: () => new Promise<string>((resolve) => pending.push(resolve)),
    release: () => pending.shift()!(`held-${++n}`),
    waiting: () => pending.length,
  };
}

test('the cookie is written right before the attempt and gone once it opened', async () => {
  create({ auth: { via: 'cookie', token: freshToken } }, URL_);
  const ws = await FakeWebSocket.nth(0);
  assert.equal(jar.cookies.get('ws_token'), 'token-1');
  ws.open();
  assert.equal(jar.cookies.has('ws_token'), false);
});

/** How many times the cookie was removed (js-cookie writes it expired). */
const removals = () => jar.writes.filter((write) => write.startsWith('ws_token=;') && /expires=/i.test(write)).length;

test('the cookie is removed once per attempt, when its handshake settles; never again when the connection ends', async () => {
  create({ auth: { via: 'cookie', token: freshToken }, reconnect: false }, URL_);
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  assert.equal(removals(), 1);
  ws.serverClose(4401);
  assert.equal(removals(), 1, 'the ended connection holds no cookie to remove');
});

test("another socket's connection closed 4401 leaves the cookie of the handshake in flight in place", async () => {
  create({ auth: { via: 'cookie', token: () => 'a-ticket' }, reconnect: false }, URL_);
  const a = await FakeWebSocket.nth(0);
  a.open();
  create({ auth: { via: 'cookie', token: () => 'b-ticket' }, reconnect: false }, URL_);
  const b = await FakeWebSocket.nth(1);
  assert.equal(jar.cookies.get('ws_token'), 'b-ticket');
  a.serverClose(4401);
  assert.equal(jar.cookies.get('ws_token'), 'b-ticket', "b's handshake must still carry b's cookie");
  b.open();
  assert.equal(jar.cookies.has('ws_token'), false);
  assert.equal(removals(), 2, 'one removal per attempt');
});

test('make-before-break: a new connection refused before open leaves no cookie behind', async () => {
  const socket = create({ auth: { via: 'cookie', token: freshToken } }, URL_);
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'hello' });
  const done = socket.reauthenticate();
  const fresh = await FakeWebSocket.nth(1);
  assert.equal(jar.cookies.get('ws_token'), 'token-2');
  fresh.fail(); // e.g. HTTP 401 on the upgrade
  await assert.rejects(within(done, 'reauthenticate()'));
  assert.equal(jar.cookies.has('ws_token'), false, 'the unspent credential must not ride along on later requests');
  assert.equal(socket.state, 'open');
});

test('close() while the next connection\'s token provider runs: the cookie is never written', async () => {
  const provider = heldProvider();
  const socket = create({ auth: { via: 'cookie', token: provider.token } }, URL_);
  await eventually(() => provider.waiting() === 1, 'the first provider call');
  socket.close();
  provider.release();
  await quietFor(20);
  assert.equal(written('held-1'), 0, 'no cookie after close()');
  assert.equal(jar.cookies.has('ws_token'), false);
  assert.equal(FakeWebSocket.instances.length, 0);
});

test("close() while a make-before-break connection's provider runs: the cookie is never written", async () => {
  let calls = 0;
  const provider = heldProvider();
  const socket = create({ auth: { via: 'cookie', token: () => (++calls === 1 ? 'first' : provider.token()) } }, URL_);
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'hello' });
  const done = socket.reauthenticate().catch(() => {});
  await eventually(() => provider.waiting() === 1, 'the candidate provider call');
  socket.close();
  provider.release();
  await done;
  await quietFor(20);
  assert.equal(written('held-1'), 0);
  assert.equal(jar.cookies.has('ws_token'), false);
});

test('the page navigating away mid-handshake (pagehide) removes the cookie', async () => {
  create({ auth: { via: 'cookie', token: freshToken } }, URL_);
  await FakeWebSocket.nth(0);
  assert.equal(jar.cookies.get('ws_token'), 'token-1');
  page.window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: false }));
  assert.equal(jar.cookies.has('ws_token'), false);
});

test('a credential cookie over 4,096 bytes: TOKEN_PROVIDER_FAILED on the attempt (never written); a fixed one throws INVALID_OPTIONS', async () => {
  const big = 'x'.repeat(4100);
  const socket = create({ auth: { via: 'cookie', token: () => big } }, URL_);
  const error = await nextEvent(socket, 'error');
  assert.equal(error.code, 'TOKEN_PROVIDER_FAILED');
  assert.match(error.message, /4096 bytes/);
  assert.ok(!error.message.includes(big.slice(0, 50)));
  assert.equal(written(big.slice(0, 10)), 0);
  assert.equal(FakeWebSocket.instances.length, 0, 'no connection without the credential');
  assert.throws(() => new AuthSocket(URL_, { WebSocket: FakeWebSocket, startClosed: true, auth: { via: 'cookie', token: big } }), { code: 'INVALID_OPTIONS', message: /4096 bytes/ });
  assert.doesNotThrow(() => new AuthSocket(URL_, { WebSocket: FakeWebSocket, startClosed: true, auth: { via: 'cookie', token: 'x'.repeat(4000) } }));
});

test('cookie.secure on any plain-http page, loopback included, is INVALID_OPTIONS (WebKit drops it there)', () => {
  for (const href of ['http://localhost:8080/', 'http://127.0.0.1:8080/', 'http://app.example.test/']) {
    setPage(href);
    const ws = href.replace('http', 'ws') + 'ws';
    assert.throws(
      () => new AuthSocket(ws, { WebSocket: FakeWebSocket, startClosed: true, allowInsecure: true, auth: { via: 'cookie', token: 't', cookie: { secure: true } } }),
      { code: 'INVALID_OPTIONS', message: /plain http/ },
      href,
    );
    assert.doesNotThrow(() => new AuthSocket(ws, { WebSocket: FakeWebSocket, startClosed: true, allowInsecure: true, auth: { via: 'cookie', token: 't' } }), href);
  }
  setPage('https://app.example.test/');
  assert.doesNotThrow(() => new AuthSocket(URL_, { WebSocket: FakeWebSocket, startClosed: true, auth: { via: 'cookie', token: 't', cookie: { secure: true } } }));
});
