// Liveness and retry limits with a fake WebSocket: heartbeat gives a dead link
// up without waiting for its close event, the CONNECTION_FAILED hint, maxRetries,
// connectionTimeout, and validation of incoming messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StandardSchemaV1 } from '../../src/index.ts';
import { type Msg, useClients } from './client-harness.ts';
import { FAST, FakeWebSocket, eventually, nextEvent, quietFor, recordEvents, untilState, within } from './fake-websocket.ts';

const { create } = useClients();


test('heartbeat: pings on the interval; a pong keeps the link and is not delivered as a message', async () => {
  const socket = create({ heartbeat: { interval: 20, timeout: 200 } });
  const messages: unknown[] = [];
  socket.on('message', (msg) => messages.push(msg));
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  await eventually(() => ws.sent.length > 0, 'a ping', 1000);
  assert.deepEqual(ws.sentMessages[0], { type: 'ping' });
  ws.receive({ type: 'pong' });
  ws.receive({ type: 'chat' });
  assert.deepEqual(messages, [{ type: 'chat' }]);
});

test('heartbeat: no frame after a ping → reconnect at once, without waiting for the dead socket to close', async () => {
  const socket = create({ heartbeat: { interval: 20, timeout: 20 } });
  const log = recordEvents(socket);
  const dead = await FakeWebSocket.nth(0);
  dead.completeClose = false; // a dead peer: close() leaves the socket CLOSING for good
  dead.open();
  const next = await FakeWebSocket.nth(1, 1000);
  assert.ok(dead.closeCalls.length > 0, 'the dead socket was given up');
  assert.equal(dead.readyState, FakeWebSocket.CLOSING, 'its close never completed');
  next.open();
  assert.equal(socket.state, 'open');
  const closes = log.filter(([type]) => type === 'close').map(([, p]) => p);
  assert.equal(closes.length, 1);
  assert.equal(closes[0].willReconnect, true);
  const reconnecting = log.filter(([type]) => type === 'reconnecting').map(([, p]) => p);
  assert.equal(reconnecting[0]?.delay, 0, 'a dead link retries immediately');
});

test('heartbeat: a custom ping and isPong are used', async () => {
  const socket = create({
    heartbeat: { interval: 15, timeout: 500, ping: () => ({ type: 'hb' }), isPong: (msg) => msg.type === 'hb_ack' },
  });
  const messages: Msg[] = [];
  socket.on('message', (msg) => messages.push(msg));
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  await eventually(() => ws.sent.length >= 2, 'two pings', 1000);
  assert.ok(ws.sentMessages.every((frame) => (frame as Msg).type === 'hb'));
  ws.receive({ type: 'hb_ack' });
  ws.receive({ type: 'pong' }); // not a pong for this heartbeat: delivered
  assert.deepEqual(messages, [{ type: 'pong' }]);
});

test('hintAfter: consecutive attempts that never opened → one CONNECTION_FAILED hint, retrying continues', async () => {
  const socket = create({ reconnect: { ...FAST, hintAfter: 2 } });
  const errors: Array<{ code: string; message: string }> = [];
  socket.on('error', (error) => errors.push({ code: error.code, message: error.message }));
  for (let i = 0; i < 4; i++) (await FakeWebSocket.nth(i)).fail();
  await FakeWebSocket.nth(4);
  assert.equal(errors.length, 1, 'said once');
  assert.equal(errors[0]!.code, 'CONNECTION_FAILED');
  assert.match(errors[0]!.message, /401\/403/);
  assert.notEqual(socket.state, 'closed');
});

test('hintAfter: a token provider that cannot reach its server (fetch TypeError) gets the same "server down or unreachable" hint, once', async () => {
  let calls = 0;
  const socket = create({
    auth: { via: 'subprotocol', token: () => { calls++; return Promise.reject(new TypeError('Failed to fetch')); } },
    reconnect: { ...FAST, hintAfter: 2 },
  });
  const errors: Array<{ code: string; message: string }> = [];
  socket.on('error', (error) => errors.push({ code: error.code, message: error.message }));
  await eventually(() => calls >= 4, 'four provider calls', 2000);
  socket.close();
  assert.deepEqual(errors.slice(0, 4).map((e) => e.code), ['TOKEN_PROVIDER_FAILED', 'TOKEN_PROVIDER_FAILED', 'CONNECTION_FAILED', 'TOKEN_PROVIDER_FAILED']);
  assert.match(errors[2]!.message, /^2 attempts never opened; likely: server down or unreachable/);
  assert.equal(errors.filter((e) => e.code === 'CONNECTION_FAILED').length, 1, 'said once');
  assert.equal(FakeWebSocket.instances.length, 0, 'no socket without a credential');
});

test('hintAfter: a token provider that fails in its own logic (not the network) gets no "server down" hint', async () => {
  let calls = 0;
  const socket = create({
    auth: { via: 'subprotocol', token: () => { calls++; throw new Error('HTTP 500'); } },
    reconnect: { ...FAST, hintAfter: 2 },
  });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  await eventually(() => calls >= 4, 'four provider calls', 2000);
  socket.close();
  assert.ok(errors.every((code) => code === 'TOKEN_PROVIDER_FAILED'), errors.join(', '));
});

test('maxRetries: after that many failed retries → CONNECTION_FAILED and closed', async () => {
  const socket = create({ reconnect: { ...FAST, maxRetries: 2, hintAfter: 100 } });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  for (let i = 0; i < 3; i++) (await FakeWebSocket.nth(i)).fail();
  await untilState(socket, 'closed');
  assert.deepEqual(errors, ['CONNECTION_FAILED']);
  await quietFor(30);
  assert.equal(FakeWebSocket.instances.length, 3, 'the first attempt and 2 retries');
});

test('connectionTimeout: an attempt that never opens is given up and retried', async () => {
  const socket = create({ reconnect: { ...FAST, connectionTimeout: 30 } });
  const closed = nextEvent(socket, 'close');
  const hung = await FakeWebSocket.nth(0);
  const info = await closed;
  assert.equal(info.willReconnect, true);
  assert.ok(hung.closeCalls.length > 0, 'the hung attempt was closed');
  await FakeWebSocket.nth(1);
});

test('validate: valid messages are delivered (as the schema output), invalid ones → VALIDATION_FAILED', async () => {
  const schema: StandardSchemaV1<unknown, Msg> = {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) =>
        typeof value === 'object' && value !== null && typeof (value as Msg).type === 'string'
          ? { value: { ...(value as Msg), checked: true } }
          : { issues: [{ message: 'type must be a string' }] },
    },
  };
  const socket = create({ validate: schema });
  const messages: Msg[] = [];
  const errors: string[] = [];
  socket.on('message', (msg) => messages.push(msg));
  socket.on('error', (error) => errors.push(`${error.code}: ${error.message}`));
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.receive({ type: 'ok' });
  ws.receive({ nope: 1 });
  assert.deepEqual(messages, [{ type: 'ok', checked: true }]);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^VALIDATION_FAILED: .*type must be a string/);
});

test('validate: an asynchronous validator keeps messages in order', async () => {
  let n = 0;
  const schema: StandardSchemaV1<unknown, Msg> = {
    '~standard': {
      version: 1,
      vendor: 'test',
      // Earlier messages take longer: delivery must still be in arrival order.
      validate: (value) => new Promise((resolve) => setTimeout(() => resolve({ value: value as Msg }), 30 - 10 * n++)),
    },
  };
  const socket = create({ validate: schema });
  const messages: unknown[] = [];
  const all = new Promise<void>((resolve) => socket.on('message', (msg) => messages.push(msg.n) === 3 && resolve()));
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  for (const i of [1, 2, 3]) ws.receive({ type: 'seq', n: i });
  await within(all, 'three validated messages');
  assert.deepEqual(messages, [1, 2, 3]);
});
