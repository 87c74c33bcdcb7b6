// Setup errors: the constructor (and close()) throw AuthSocketError for mistakes
// a user can fix, and a refused setup never connects or asks for a token.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { AuthSocket, AuthSocketError, type AuthSocketOptions } from '../../src/index.ts';
import { FAST, FakeWebSocket, quietFor, untilState } from './fake-websocket.ts';

beforeEach(() => FakeWebSocket.reset());

const code = (c: string) => (e: unknown) => e instanceof AuthSocketError && e.code === c;
const create = (url: string, options: AuthSocketOptions = {}) =>
  new AuthSocket(url, { WebSocket: FakeWebSocket, reconnect: FAST, ...options });

test('INVALID_URL: unsupported scheme, relative path in Node, garbage', () => {
  for (const url of ['ftp://example.com/ws', '/ws', 'not a url', 'file:///x']) {
    assert.throws(() => create(url), code('INVALID_URL'), url);
  }
});

test('http(s) URLs are converted; socket.url is normalised', () => {
  assert.equal(create('https://api.example.com/ws#frag', { startClosed: true }).url, 'wss://api.example.com/ws');
  assert.equal(create('http://localhost:8080/ws', { startClosed: true }).url, 'ws://localhost:8080/ws');
});

test('INSECURE_TRANSPORT: a credential over ws:// to a non-loopback host', async () => {
  let calls = 0;
  const token = () => `t${++calls}`;
  assert.throws(() => create('ws://api.example.com/ws', { auth: { via: 'query', token } }), code('INSECURE_TRANSPORT'));
  assert.throws(() => create('http://api.example.com/ws', { auth: { via: 'subprotocol', token } }), code('INSECURE_TRANSPORT'));
  // Allowed explicitly, over wss://, to loopback, or without a credential.
  for (const socket of [
    create('ws://api.example.com/ws', { auth: { via: 'query', token }, allowInsecure: true, startClosed: true }),
    create('wss://api.example.com/ws', { auth: { via: 'query', token }, startClosed: true }),
    create('ws://127.0.0.1:9/ws', { auth: { via: 'query', token }, startClosed: true }),
    create('ws://api.example.com/ws', { startClosed: true }),
  ]) assert.equal(socket.state, 'idle');
  await quietFor(20);
  assert.equal(calls, 0, 'a refused setup never asks for a token');
  assert.equal(FakeWebSocket.instances.length, 0);
});

test('INVALID_OPTIONS: a bad auth.via', () => {
  for (const via of ['bearer', 'Header', '', 'toString']) {
    assert.throws(() => create('wss://h/ws', { auth: { via: via as never, token: 't' } }), code('INVALID_OPTIONS'), via);
  }
});

test("INVALID_OPTIONS: refresh 'in-place' with a carrier other than 'message'", () => {
  for (const via of ['subprotocol', 'query'] as const) {
    // The types refuse it (test/types/usage.ts); plain JavaScript gets the runtime check.
    assert.throws(() => create('wss://h/ws', { auth: { via, token: 't', refresh: 'in-place' as 'reconnect' } }), code('INVALID_OPTIONS'), via);
  }
  // Allowed with the message carrier.
  create('wss://h/ws', { auth: { via: 'message', token: 't', refresh: 'in-place' }, startClosed: true });
});

test('INVALID_OPTIONS: bad token source, protocols, reconnect, heartbeat, queue, maxFailures', () => {
  const bad: AuthSocketOptions[] = [
    { auth: { via: 'query', token: '' } },
    { auth: { via: 'query', token: 't', maxFailures: 0 } },
    { protocols: ['chat', 'chat'] },
    { protocols: ['bad protocol'] },
    { reconnect: { minDelay: -1 } },
    { reconnect: { factor: 0.5 } },
    { heartbeat: { interval: 0, timeout: 10 } },
    { queue: { max: -1 } },
  ];
  for (const options of bad) assert.throws(() => create('wss://h/ws', options), code('INVALID_OPTIONS'), JSON.stringify(options));
});

test('INVALID_OPTIONS: no WebSocket given and none global (Node 20)', () => {
  assert.equal((globalThis as { WebSocket?: unknown }).WebSocket, undefined);
  assert.throws(() => new AuthSocket('wss://h/ws'), code('INVALID_OPTIONS'));
});

test("UNSUPPORTED_CARRIER: 'cookie' in Node; 'header' without options.WebSocket", () => {
  assert.throws(() => create('wss://h/ws', { auth: { via: 'cookie', token: 't' } }), code('UNSUPPORTED_CARRIER'));
  const g = globalThis as { WebSocket?: unknown };
  g.WebSocket = FakeWebSocket; // a "browser" WebSocket: the global one cannot send headers
  try {
    assert.throws(() => new AuthSocket('wss://h/ws', { auth: { via: 'header', token: 't' } }), code('UNSUPPORTED_CARRIER'));
    assert.throws(() => new AuthSocket('wss://h/ws', { auth: { via: 'header', token: 't' }, WebSocket: FakeWebSocket }), code('UNSUPPORTED_CARRIER'));
  } finally {
    delete g.WebSocket;
  }
});

test('close() with a code the browser refuses → INVALID_OPTIONS, socket untouched', async () => {
  const socket = create('wss://h/ws', { startClosed: true });
  for (const bad of [1001, 1005, 1006, 1011, 2999, 5000, 0, -1]) {
    assert.throws(() => socket.close(bad), code('INVALID_OPTIONS'), String(bad));
  }
  assert.throws(() => socket.close(1000, 'x'.repeat(124)), code('INVALID_OPTIONS'), 'reason over 123 bytes');
  assert.throws(() => socket.close(1000, 'é'.repeat(62)), code('INVALID_OPTIONS'), '124 bytes of UTF-8');
  assert.equal(socket.state, 'idle');
  // Valid codes are accepted.
  socket.close(1000, 'x'.repeat(123));
  assert.equal(socket.state, 'closed');
  socket.open();
  await FakeWebSocket.nth(0);
  socket.close(4000, 'bye');
  await untilState(socket, 'closed');
});

test('startClosed: nothing happens until open()', async () => {
  let calls = 0;
  const socket = create('wss://h/ws', { startClosed: true, auth: { via: 'query', token: () => `t${++calls}` } });
  await quietFor(30);
  assert.equal(socket.state, 'idle');
  assert.equal(calls, 0);
  assert.equal(FakeWebSocket.instances.length, 0);
  socket.open();
  await FakeWebSocket.nth(0);
  assert.equal(calls, 1);
  socket.close();
});

test('socket.url never contains the credential, whatever the carrier', async () => {
  const TOKEN = 'url-secret-token-42';
  for (const via of ['query', 'subprotocol', 'message'] as const) {
    FakeWebSocket.reset();
    const socket = create('wss://h/ws?room=1', { auth: { via, token: TOKEN } });
    const ws = await FakeWebSocket.nth(0);
    assert.equal(socket.url, 'wss://h/ws?room=1', via);
    assert.ok(!socket.url.includes(TOKEN));
    if (via === 'query') assert.equal(new URL(ws.url).searchParams.get('access_token'), TOKEN, 'only the attempt URL carries it');
    socket.close();
  }
});

test('the error class is exported and reachable as a static', () => {
  assert.equal(AuthSocket.AuthSocketError, AuthSocketError);
  const error = new AuthSocketError('QUEUE_FULL', 'm');
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'AuthSocketError');
  assert.equal(error.code, 'QUEUE_FULL');
});
