// options.setup: runs on every authenticated connection (first, reconnect, and a
// make-before-break connection before the switch), before the queue and `open`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SetupConnection } from '../../src/index.ts';
import { useClients, type Msg } from './client-harness.ts';
import { eventually, FakeWebSocket, nextEvent, quietFor, recordEvents, untilState, within } from './fake-websocket.ts';

const { create, freshToken } = useClients();

test('setup runs on the first connection and on every reconnect; what it sends goes before the queue, then open', async () => {
  const order: string[] = [];
  const socket = create({
    auth: { via: 'subprotocol', token: freshToken },
    setup: (connection) => {
      order.push('setup');
      connection.send({ type: 'subscribe' });
      connection.send('{"type":"raw"}');
    },
  });
  socket.on('open', () => order.push('open'));
  socket.send({ type: 'queued' });
  const first = await FakeWebSocket.nth(0);
  first.open();
  assert.deepEqual(order, ['setup', 'open']);
  assert.equal(socket.state, 'open', 'a synchronous setup opens in the same task');
  assert.deepEqual(first.sentMessages, [{ type: 'subscribe' }, { type: 'raw' }, { type: 'queued' }]);
  first.fail();
  const second = await FakeWebSocket.nth(1);
  second.open();
  assert.deepEqual(order, ['setup', 'open', 'setup', 'open']);
  assert.deepEqual(second.sentMessages, [{ type: 'subscribe' }, { type: 'raw' }]);
});

test('message carrier: the auth frame, then (after the ack) what setup sends, then the queue', async () => {
  const socket = create({ auth: { via: 'message', token: freshToken }, setup: (c) => c.send({ type: 'subscribe' }) });
  socket.send({ type: 'queued' });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  assert.deepEqual(ws.sentMessages, [{ type: 'auth', token: 'token-1' }], 'setup waits for authentication');
  ws.receive({ type: 'auth_ok' });
  assert.deepEqual(ws.sentMessages, [{ type: 'auth', token: 'token-1' }, { type: 'subscribe' }, { type: 'queued' }]);
  assert.equal(socket.state, 'open');
});

test('an asynchronous setup keeps the state authenticating; sends meanwhile wait in the queue', async () => {
  let finish!: () => void;
  const socket = create({
    auth: { via: 'subprotocol', token: freshToken },
    setup: async (c) => {
      c.send({ type: 'subscribe' });
      await new Promise<void>((resolve) => (finish = resolve));
      c.send({ type: 'subscribed' });
    },
  });
  const log = recordEvents(socket);
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  assert.equal(socket.state, 'authenticating');
  socket.send({ type: 'app' });
  assert.deepEqual(ws.sentMessages, [{ type: 'subscribe' }]);
  assert.equal(log.some(([type]) => type === 'open'), false);
  finish();
  await untilState(socket, 'open');
  assert.deepEqual(ws.sentMessages, [{ type: 'subscribe' }, { type: 'subscribed' }, { type: 'app' }]);
  assert.deepEqual(log.filter(([type]) => type === 'state').map(([, p]) => p.to), ['connecting', 'authenticating', 'open']);
});

test('a setup that throws (or rejects) fails the attempt: CONNECTION_FAILED with the cause, no open, a retry', async () => {
  let calls = 0;
  const boom = new Error('subscribe failed');
  const socket = create({
    auth: { via: 'subprotocol', token: freshToken },
    setup: () => {
      calls += 1;
      if (calls === 1) throw boom;
      if (calls === 2) return Promise.reject(boom);
    },
  });
  const log = recordEvents(socket);
  const first = await FakeWebSocket.nth(0);
  first.open();
  assert.deepEqual(first.closeCalls.map((call) => call.code), [1000]);
  const second = await FakeWebSocket.nth(1);
  second.open();
  const third = await FakeWebSocket.nth(2);
  third.open();
  assert.equal(socket.state, 'open');
  const errors = log.filter(([type]) => type === 'error').map(([, error]) => error);
  assert.deepEqual(errors.map((error) => error.code), ['CONNECTION_FAILED', 'CONNECTION_FAILED']);
  assert.equal(errors[0].cause, boom);
  assert.equal(log.filter(([type]) => type === 'open').length, 1, 'only the connection whose setup succeeded opened');
});

test('a setup that never settles fails the attempt after reconnect.connectionTimeout', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, reconnect: { minDelay: 1, maxDelay: 5, connectionTimeout: 40 }, setup: () => new Promise(() => {}) });
  const error = nextEvent(socket, 'error');
  (await FakeWebSocket.nth(0)).open();
  assert.match((await error).message, /did not settle within 40 ms/);
  await FakeWebSocket.nth(1);
});

test("setup's connection belongs to its connection: send() throws once it has ended", async () => {
  let kept: SetupConnection<Msg> | undefined;
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, setup: (c) => void (kept = c) });
  const first = await FakeWebSocket.nth(0);
  first.open();
  first.fail();
  assert.throws(() => kept!.send({ type: 'late' }), { code: 'CONNECTION_FAILED' });
  void socket;
});

test('make-before-break: setup runs on the new connection BEFORE the switch, and the switch waits for it', async () => {
  let finish!: () => void;
  let calls = 0;
  const socket = create({
    auth: { via: 'message', token: freshToken },
    setup: (c) => {
      calls += 1;
      c.send({ type: 'subscribe', n: calls });
      if (calls === 2) return new Promise<void>((resolve) => (finish = resolve));
    },
  });
  const log = recordEvents(socket);
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'auth_ok' });
  const done = socket.reauthenticate();
  const fresh = await FakeWebSocket.nth(1);
  fresh.open();
  fresh.receive({ type: 'auth_ok' });
  assert.deepEqual(fresh.sentMessages, [{ type: 'auth', token: 'token-2' }, { type: 'subscribe', n: 2 }]);
  fresh.receive({ type: 'next', id: 1 }); // the new subscription's first result: delivered, not lost
  socket.send({ type: 'app' }); // still goes to the current connection
  assert.deepEqual(old.sentMessages.at(-1), { type: 'app' });
  assert.equal(log.some(([type]) => type === 'reauthenticated'), false, 'no switch before setup settled');
  finish();
  await within(done, 'reauthenticate()');
  assert.deepEqual(log.filter(([type]) => type === 'message').map(([, m]) => m), [{ type: 'next', id: 1 }]);
  socket.send({ type: 'after' });
  assert.deepEqual(fresh.sentMessages.at(-1), { type: 'after' });
  assert.equal(log.filter(([type]) => type === 'open').length, 1, 'the switch is not an open');
});

test('make-before-break: a failing setup on the new connection keeps the current one; reauthenticate() rejects', async () => {
  let calls = 0;
  const socket = create({
    auth: { via: 'subprotocol', token: freshToken },
    setup: () => {
      calls += 1;
      if (calls === 2) throw new Error('no');
    },
  });
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'hello' });
  const done = socket.reauthenticate();
  const fresh = await FakeWebSocket.nth(1);
  fresh.open();
  await assert.rejects(within(done, 'reauthenticate()'), { code: 'CONNECTION_FAILED' });
  await eventually(() => fresh.closeCalls.length > 0, 'the failed candidate to close');
  assert.deepEqual(old.closeCalls, []);
  assert.equal(socket.state, 'open');
  await quietFor(20);
  assert.equal(FakeWebSocket.instances.length, 2);
});
