// Connecting, sending and closing, with a fake WebSocket playing the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthSocketError } from '../../src/index.ts';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { useClients } from './client-harness.ts';
import { FAST, FakeWebSocket, nextEvent, quietFor, recordEvents, trackTimers, within } from './fake-websocket.ts';

const { create } = useClients();


test('the token provider is called before EVERY attempt, and each attempt carries its own token', async () => {
  let calls = 0;
  const socket = create({ auth: { via: 'subprotocol', token: async () => `ticket-${++calls}` } });
  for (let i = 0; i < 4; i++) {
    const ws = await FakeWebSocket.nth(i);
    assert.equal(calls, i + 1, `one provider call per attempt (attempt ${i + 1})`);
    assert.deepEqual(ws.protocols, ['authsocket', `base64url.bearer.${encodeBase64Url(`ticket-${i + 1}`)}`]);
    // Vary how attempts end: server close, network failure, clean open + close.
    if (i === 0) ws.serverClose(1000);
    else if (i === 1) ws.fail();
    else {
      ws.open();
      ws.serverClose(1011, 'server restart');
    }
  }
  assert.equal(socket.state === 'connecting' || socket.state === 'reconnecting', true);
});

test("query carrier: each attempt's URL has a fresh token; other params kept", async () => {
  let calls = 0;
  create({ auth: { via: 'query', token: () => `q${++calls}` } }, 'wss://api.example.com/ws?room=7');
  const first = await FakeWebSocket.nth(0);
  first.fail();
  const second = await FakeWebSocket.nth(1);
  assert.equal(new URL(first.url).searchParams.get('access_token'), 'q1');
  assert.equal(new URL(second.url).searchParams.get('access_token'), 'q2');
  assert.equal(new URL(second.url).searchParams.get('room'), '7');
});

test("header carrier: Authorization: Bearer reaches the ws-like constructor's options", async () => {
  create({ auth: { via: 'header', token: 'hdr-token' } });
  const ws = await FakeWebSocket.nth(0);
  assert.deepEqual(ws.options, { headers: { Authorization: 'Bearer hdr-token' } });
  assert.ok(!ws.url.includes('hdr-token'));
});

test('app protocols are offered before the token entry', async () => {
  create({ protocols: ['chat.v1'], auth: { via: 'subprotocol', token: 'tok' } });
  const ws = await FakeWebSocket.nth(0);
  assert.deepEqual(ws.protocols, ['chat.v1', `base64url.bearer.${encodeBase64Url('tok')}`]);
});

test('events: state idle→connecting, connecting {attempt}, then state →open and open {attempt}', async () => {
  const socket = create({ auth: { via: 'query', token: 't0k3n' } });
  assert.equal(socket.state, 'idle', 'starts on the next microtask, so listeners added now see everything');
  const log = recordEvents(socket);
  const ws = await FakeWebSocket.nth(0);
  assert.equal(socket.state, 'connecting');
  ws.open();
  assert.equal(socket.state, 'open');
  assert.deepEqual(log, [
    ['state', { from: 'idle', to: 'connecting' }],
    ['connecting', { attempt: 1 }],
    ['state', { from: 'connecting', to: 'open' }],
    ['open', { attempt: 1 }],
  ]);
  await socket.ready();
});

test('a server message is decoded and delivered as `message`', async () => {
  const socket = create();
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  const received = nextEvent(socket, 'message');
  ws.receive({ type: 'chat', text: 'hi' });
  assert.deepEqual(await received, { type: 'chat', text: 'hi' });
});

test('an undecodable frame → error DECODE_FAILED, the socket stays open', async () => {
  const socket = create();
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  const error = nextEvent(socket, 'error');
  ws.receive('{not json');
  assert.equal((await error).code, 'DECODE_FAILED');
  assert.equal(socket.state, 'open');
});

test('send before open is queued and flushed in order right after open', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: 't' } });
  socket.send({ type: 'a' });
  socket.send({ type: 'b' });
  const ws = await FakeWebSocket.nth(0);
  socket.send({ type: 'c' });
  assert.deepEqual(ws.sent, [], 'nothing reaches a socket that is not open');
  ws.open();
  socket.send({ type: 'd' });
  assert.deepEqual(ws.sentMessages, [{ type: 'a' }, { type: 'b' }, { type: 'c' }, { type: 'd' }]);
});

test('messages sent while reconnecting go out on the next connection, in order', async () => {
  const socket = create();
  const first = await FakeWebSocket.nth(0);
  first.open();
  socket.send({ type: 'one' });
  first.serverClose(1001, 'going away');
  socket.send({ type: 'two' });
  socket.send({ type: 'three' });
  const second = await FakeWebSocket.nth(1);
  second.open();
  assert.deepEqual(first.sentMessages, [{ type: 'one' }]);
  assert.deepEqual(second.sentMessages, [{ type: 'two' }, { type: 'three' }]);
});

test('QUEUE_FULL: send throws once queue.max messages wait; nothing is dropped', async () => {
  const socket = create({ queue: { max: 2 }, startClosed: true });
  socket.send({ type: '1' });
  socket.send({ type: '2' });
  assert.throws(
    () => socket.send({ type: '3' }),
    (error: unknown) => error instanceof AuthSocketError && error.code === 'QUEUE_FULL',
  );
  socket.open();
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  assert.deepEqual(ws.sentMessages, [{ type: '1' }, { type: '2' }]);
});

test('close() drops the queue: the close event carries dropped, nothing is sent later', async () => {
  const socket = create({ startClosed: true });
  for (const type of ['a', 'b', 'c']) socket.send({ type });
  const closed = nextEvent(socket, 'close');
  socket.close(1000, 'bye');
  assert.deepEqual(await closed, { code: 1000, reason: 'bye', wasClean: true, willReconnect: false, dropped: 3 });
  assert.equal(socket.state, 'closed');
  socket.open();
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  assert.deepEqual(ws.sent, [], 'the dropped messages are gone');
});

test('close() on an open socket closes it with the given code and reports dropped: 0', async () => {
  const socket = create();
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  const closed = nextEvent(socket, 'close');
  socket.close(4000, 'done');
  const info = await closed;
  assert.equal(info.dropped, 0);
  assert.equal(info.willReconnect, false);
  assert.deepEqual(ws.closeCalls[0], { code: 4000, reason: 'done' });
  assert.equal(socket.state, 'closed');
});

test('reconnect: false → closed after the first close, no second attempt', async () => {
  let calls = 0;
  const socket = create({ reconnect: false, auth: { via: 'query', token: () => `t${++calls}` } });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  const closed = nextEvent(socket, 'close');
  ws.serverClose(1000, 'bye');
  const info = await closed;
  assert.equal(info.willReconnect, false);
  assert.equal(socket.state, 'closed');
  await quietFor(50);
  assert.equal(FakeWebSocket.instances.length, 1);
  assert.equal(calls, 1);
});

test('a server close 1000 does not stop reconnecting', async () => {
  const socket = create();
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  const closed = nextEvent(socket, 'close');
  ws.serverClose(1000);
  assert.equal((await closed).willReconnect, true);
  await FakeWebSocket.nth(1);
});

test('reconnecting {attempt, delay} follows a close; delay within the backoff bounds', async () => {
  const socket = create();
  const log = recordEvents(socket);
  (await FakeWebSocket.nth(0)).fail();
  await FakeWebSocket.nth(1);
  const reconnecting = log.filter(([type]) => type === 'reconnecting').map(([, payload]) => payload);
  assert.equal(reconnecting.length, 1);
  assert.equal(reconnecting[0].attempt, 2);
  assert.ok(reconnecting[0].delay >= 0 && reconnecting[0].delay <= FAST.minDelay, `delay ${reconnecting[0].delay}`);
  assert.deepEqual(log.filter(([type]) => type === 'close').map(([, p]) => [p.code, p.willReconnect]), [[1006, true]]);
});

test('a WebSocket constructor that throws does not stick the client: it tries again', async () => {
  const timers = trackTimers(); // see the next test: a throwing constructor leaks a timer
  try {
    FakeWebSocket.throwOnConstruct = 2;
    const socket = create({ auth: { via: 'query', token: 't' } });
    const third = await FakeWebSocket.nth(2);
    third.open();
    assert.equal(socket.state, 'open');
    assert.equal(FakeWebSocket.instances.length, 3);
    socket.close();
  } finally {
    timers.release();
  }
});

test('after close(), no timer is left pending (normal session, then one with a throwing constructor)', async () => {
  // A pending timer keeps a Node process alive and fires into a later connection.
  for (const throws of [0, 1]) {
    FakeWebSocket.reset();
    const timers = trackTimers();
    try {
      FakeWebSocket.throwOnConstruct = throws;
      const socket = create({ auth: { via: 'query', token: 't' } });
      const ws = await FakeWebSocket.nth(throws);
      ws.open();
      ws.receive({ type: 'hello' });
      socket.close();
      await quietFor(30); // let the fake's close handshake complete
      assert.deepEqual(timers.pending(), [], `timers left after close() with ${throws} constructor failure(s)`);
    } finally {
      timers.release();
    }
  }
});

test('a token provider that throws → error TOKEN_PROVIDER_FAILED, then a new attempt', async () => {
  let calls = 0;
  const socket = create({
    auth: {
      via: 'query',
      token: () => {
        calls += 1;
        if (calls === 1) throw new Error('auth server down');
        return 'good-token';
      },
    },
  });
  const error = await nextEvent(socket, 'error');
  assert.equal(error.code, 'TOKEN_PROVIDER_FAILED');
  const ws = await FakeWebSocket.nth(0);
  assert.equal(calls, 2);
  assert.equal(new URL(ws.url).searchParams.get('access_token'), 'good-token');
  ws.open();
  assert.equal(socket.state, 'open');
});

test('a token provider that rejects or returns nothing also fails the attempt, then retries', async () => {
  let calls = 0;
  const socket = create({
    auth: {
      via: 'query',
      token: async () => {
        calls += 1;
        if (calls === 1) throw new Error('nope');
        if (calls === 2) return '';
        return 'finally';
      },
    },
  });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  const ws = await FakeWebSocket.nth(0);
  assert.deepEqual(errors, ['TOKEN_PROVIDER_FAILED', 'TOKEN_PROVIDER_FAILED']);
  assert.equal(new URL(ws.url).searchParams.get('access_token'), 'finally');
});

test('after close(): no further token provider call or socket construction', async () => {
  let calls = 0;
  const socket = create({ reconnect: { minDelay: 20, maxDelay: 20 }, auth: { via: 'query', token: () => `t${++calls}` } });
  const ws = await FakeWebSocket.nth(0);
  ws.fail(); // a retry is now scheduled within 20 ms
  socket.close();
  await quietFor(100);
  assert.equal(calls, 1);
  assert.equal(FakeWebSocket.instances.length, 1);
  assert.equal(socket.state, 'closed');
});

test('close() while the token provider is in flight: the late token opens nothing', async () => {
  let release!: (token: string) => void;
  let calls = 0;
  let called!: () => void;
  const providerCalled = new Promise<void>((resolve) => (called = resolve));
  const socket = create({
    auth: {
      via: 'query',
      token: () => {
        calls += 1;
        called();
        return new Promise<string>((resolve) => (release = resolve));
      },
    },
  });
  await within(providerCalled, 'the token provider call');
  socket.close();
  release('late-token');
  await quietFor(50);
  assert.equal(FakeWebSocket.instances.length, 0);
  assert.equal(calls, 1);
});

test('reconnect() drops the live connection and connects again with a fresh credential', async () => {
  let calls = 0;
  const socket = create({ auth: { via: 'query', token: () => `t${++calls}` } });
  const first = await FakeWebSocket.nth(0);
  first.open();
  socket.reconnect();
  const second = await FakeWebSocket.nth(1);
  assert.equal(new URL(second.url).searchParams.get('access_token'), 't2');
  assert.ok(first.closeCalls.length > 0, 'the old socket was closed');
  second.open();
  assert.equal(socket.state, 'open');
});

test('open() after close() starts a new session', async () => {
  const socket = create();
  (await FakeWebSocket.nth(0)).open();
  socket.close();
  assert.equal(socket.state, 'closed');
  socket.open();
  const ws = await FakeWebSocket.nth(1);
  ws.open();
  assert.equal(socket.state, 'open');
});

test('ready() resolves on open and rejects when the socket closes first', async () => {
  const socket = create();
  const ready = socket.ready();
  (await FakeWebSocket.nth(0)).open();
  await ready;
  const other = create({ reconnect: false });
  const notReady = other.ready();
  (await FakeWebSocket.nth(1)).fail();
  await assert.rejects(notReady, { code: 'CONNECTION_FAILED' });
});

test('a listener that throws does not break the client', async () => {
  const socket = create();
  socket.on('open', () => {
    throw new Error('listener bug');
  });
  // The emitter rethrows a listener's error asynchronously (so it is not lost):
  // catch it here instead of letting the test runner report it.
  const uncaught: unknown[] = [];
  const runnerHandlers = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const ws = await FakeWebSocket.nth(0);
    socket.send({ type: 'queued' });
    ws.open();
    assert.equal(socket.state, 'open');
    assert.deepEqual(ws.sentMessages, [{ type: 'queued' }], 'the queue was still flushed');
    await quietFor(10);
  } finally {
    process.off('uncaughtException', onUncaught);
    for (const handler of runnerHandlers) process.on('uncaughtException', handler);
  }
  assert.equal(uncaught.length, 1);
  assert.match(String(uncaught[0]), /listener bug/);
});

test('close() inside an open listener: no heartbeat or refresh timer survives', async () => {
  const timers = trackTimers();
  try {
    const socket = create({
      auth: { via: 'query', token: () => ({ token: 't', expiresAt: Date.now() + 60_000 }) },
      heartbeat: { interval: 10, timeout: 1000 },
    });
    socket.on('open', () => socket.close());
    (await FakeWebSocket.nth(0)).open();
    await quietFor(50); // several heartbeat intervals
    assert.equal(socket.state, 'closed');
    assert.deepEqual(timers.pending(), []);
  } finally {
    timers.release();
  }
});

test('close() inside a close listener while the client would reconnect: closed, nothing thrown, no new attempt', async () => {
  const socket = create({ auth: { via: 'query', token: 't' } });
  socket.on('close', () => socket.close());
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  assert.doesNotThrow(() => ws.serverClose(1011, 'restart'));
  await quietFor(30);
  assert.equal(socket.state, 'closed');
  assert.equal(FakeWebSocket.instances.length, 1);
});

test('reconnect() inside an open listener: the next connection opens and gets the queue; close() leaves no timer', async () => {
  const timers = trackTimers();
  try {
    const socket = create({ auth: { via: 'query', token: 't' }, heartbeat: { interval: 5, timeout: 5 } });
    socket.send({ type: 'queued' });
    socket.once('open', () => socket.reconnect());
    (await FakeWebSocket.nth(0)).open();
    const second = await FakeWebSocket.nth(1);
    await quietFor(30); // a heartbeat left from the first connection would drop this one meanwhile
    assert.equal(second.closeCalls.length, 0);
    second.open();
    assert.equal(socket.state, 'open');
    assert.deepEqual(second.sentMessages, [{ type: 'queued' }]);
    socket.close();
    await quietFor(30);
    // RWS re-arms its uptime timer on each open without clearing the last one.
    assert.deepEqual(timers.pending(), []);
  } finally {
    timers.release();
  }
});
