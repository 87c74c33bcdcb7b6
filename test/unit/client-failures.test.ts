// Attempts that fail before the application could use them: a server that
// selected no subprotocol, a credential too large for the handshake, the
// never-opened hint, and send() after close().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthSocket } from '../../src/index.ts';
import { useClients } from './client-harness.ts';
import { FAST, FakeWebSocket, nextEvent, quietFor, recordEvents, untilState } from './fake-websocket.ts';

const { create, freshToken } = useClients();

test('the server selected no subprotocol (Firefox/WebKit open anyway): the attempt fails like in Chromium, then a retry', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, reconnect: { ...FAST, hintAfter: 100 } });
  const log = recordEvents(socket);
  socket.send({ type: 'queued' });
  const ws = await FakeWebSocket.nth(0);
  ws.open({ protocol: '' });
  assert.deepEqual(ws.sent, [], 'nothing is sent on it');
  assert.deepEqual(ws.closeCalls.map((call) => call.code), [1000]);
  const errors = log.filter(([type]) => type === 'error').map(([, e]) => e);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'CONNECTION_FAILED');
  assert.match(errors[0].message, /selected no subprotocol/);
  assert.match(errors[0].message, /authsocket/);
  assert.ok(!errors[0].message.includes('base64url.bearer.'), 'the token entry is not named');
  assert.equal(log.some(([type]) => type === 'open'), false);
  assert.deepEqual(log.filter(([type]) => type === 'close').map(([, p]) => [p.code, p.willReconnect]), [[1006, true]]);
  const next = await FakeWebSocket.nth(1);
  next.open(); // selects 'authsocket'
  assert.equal(socket.state, 'open');
  assert.deepEqual(next.sentMessages, [{ type: 'queued' }]);
});

test('no subprotocol offered (anonymous, no protocols): protocol "" is fine', async () => {
  const socket = create();
  (await FakeWebSocket.nth(0)).open({ protocol: '' });
  assert.equal(socket.state, 'open');
});

test('app protocols offered but none selected: fails too; the hint after hintAfter names the cause', async () => {
  const socket = create({ protocols: ['chat.v1'], reconnect: { ...FAST, hintAfter: 2 } });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.message));
  (await FakeWebSocket.nth(0)).open({ protocol: '' });
  (await FakeWebSocket.nth(1)).open({ protocol: '' });
  await FakeWebSocket.nth(2);
  assert.equal(errors.length, 3, 'one per attempt, plus the hint');
  assert.match(errors[2]!, /2 attempts never opened/);
  assert.match(errors[2]!, /no subprotocols \(chat\.v1\) selected/);
  assert.match(errors[2]!, /docs\/errors\.md#connection_failed$/, 'the message ends with its docs anchor');
});

test('the never-opened hint names the likely causes that fit, and no others', async () => {
  const hint = async (options: object) => {
    const socket = create({ ...options, reconnect: { ...FAST, hintAfter: 2 } });
    const error = nextEvent(socket, 'error');
    (await FakeWebSocket.nth(FakeWebSocket.instances.length)).fail();
    (await FakeWebSocket.nth(FakeWebSocket.instances.length)).fail();
    const { message } = await error;
    socket.close();
    return message;
  };
  const query = await hint({ auth: { via: 'query', token: freshToken } });
  assert.match(query, /down or unreachable/);
  assert.match(query, /401\/403/);
  assert.match(query, /4401/);
  assert.doesNotMatch(query, /subprotocol/, 'no subprotocol was offered');
  assert.doesNotMatch(query, /too large/, 'the request was small');
  const subprotocol = await hint({ auth: { via: 'subprotocol', token: freshToken } });
  assert.match(subprotocol, /subprotocols \(authsocket\)/);
  const large = await hint({ auth: { via: 'subprotocol', token: () => 'y'.repeat(3100) } });
  assert.match(large, /Sec-WebSocket-Protocol header \(\d+ bytes\) is too large/);
  assert.ok(!large.includes('y'.repeat(20)));
  const anonymous = await hint({});
  assert.doesNotMatch(anonymous, /4401/, 'no credential: no advice about closing with 4401');
});

test('a credential too large for any server (handshake line over 16 KB): TOKEN_PROVIDER_FAILED, nothing opened; fixed → INVALID_OPTIONS', async () => {
  const big = 'z'.repeat(13_000); // base64url: 17,334 characters
  const socket = create({ auth: { via: 'subprotocol', token: () => big } });
  const error = await nextEvent(socket, 'error');
  assert.equal(error.code, 'TOKEN_PROVIDER_FAILED');
  assert.match(error.message, /Sec-WebSocket-Protocol header \d+ bytes long, over the 16384 bytes/);
  assert.ok(!error.message.includes('z'.repeat(20)));
  await quietFor(20);
  assert.equal(FakeWebSocket.instances.length, 0);
  for (const via of ['subprotocol', 'query'] as const) {
    assert.throws(() => new AuthSocket('wss://a.example/ws', { WebSocket: FakeWebSocket, startClosed: true, auth: { via, token: 'q'.repeat(17_000) } }), { code: 'INVALID_OPTIONS' }, via);
  }
  assert.doesNotThrow(() => new AuthSocket('wss://a.example/ws', { WebSocket: FakeWebSocket, startClosed: true, auth: { via: 'query', token: 'q'.repeat(8000) } }));
  assert.doesNotThrow(() => new AuthSocket('wss://a.example/ws', { WebSocket: FakeWebSocket, startClosed: true, auth: { via: 'message', token: 'q'.repeat(17_000) } }));
});

test('send() after close() throws CONNECTION_FAILED (nothing silently queued); after open() it queues again', async () => {
  const socket = create();
  (await FakeWebSocket.nth(0)).open();
  socket.close();
  assert.throws(() => socket.send({ type: 'lost?' }), { code: 'CONNECTION_FAILED', message: /close\(\).*open\(\)/ });
  socket.open();
  socket.send({ type: 'queued' });
  const ws = await FakeWebSocket.nth(1);
  ws.open();
  assert.deepEqual(ws.sentMessages, [{ type: 'queued' }]);
});

test('send() while closed after giving up (unauthorized) queues: open() sends it', async () => {
  const socket = create({ auth: { via: 'query', token: freshToken } });
  (await FakeWebSocket.nth(0)).serverClose(4403);
  await untilState(socket, 'closed');
  socket.send({ type: 'kept' });
  socket.open();
  const ws = await FakeWebSocket.nth(1);
  ws.open();
  assert.deepEqual(ws.sentMessages, [{ type: 'kept' }]);
});
