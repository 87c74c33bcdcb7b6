// auth.ack: with any carrier, `open` waits for the server's ack ({"type":"auth_ok"},
// the gate's `ack: true`), so that `open` means the credential was accepted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useClients } from './client-harness.ts';
import { FakeWebSocket, nextEvent, quietFor, recordEvents, within } from './fake-websocket.ts';

const { create, freshToken } = useClients();

for (const via of ['subprotocol', 'query'] as const) {
  test(`${via} + ack: authenticating until the ack; then open and the queue; the ack is no message`, async () => {
    const socket = create({ auth: { via, token: freshToken, ack: true } });
    const log = recordEvents(socket);
    socket.send({ type: 'early' });
    const ws = await FakeWebSocket.nth(0);
    ws.open();
    assert.equal(socket.state, 'authenticating');
    socket.send({ type: 'while-authenticating' });
    assert.deepEqual(ws.sent, [], 'nothing is sent before the ack, and no auth frame either');
    assert.equal(log.some(([type]) => type === 'open'), false);
    ws.receive({ type: 'auth_ok' });
    assert.equal(socket.state, 'open');
    assert.deepEqual(ws.sentMessages, [{ type: 'early' }, { type: 'while-authenticating' }]);
    assert.deepEqual(log.filter(([type]) => type === 'state').map(([, p]) => p.to), ['connecting', 'authenticating', 'open']);
    assert.equal(log.some(([type]) => type === 'message'), false, 'the ack is not delivered');
    ws.receive({ type: 'auth_ok' });
    assert.equal(log.filter(([type]) => type === 'message').length, 1, 'a later auth_ok is an ordinary message');
  });
}

test('ack: the server closing 4401 before the ack is an auth failure, and no open event ever fires', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken, ack: true } });
  const log = recordEvents(socket);
  const unauthorized = nextEvent(socket, 'unauthorized');
  for (let i = 0; i < 3; i++) {
    const ws = await FakeWebSocket.nth(i);
    ws.open();
    ws.serverClose(i === 1 ? 1008 : 4401, 'invalid');
  }
  assert.equal((await unauthorized).code, 4401);
  assert.equal(log.filter(([type]) => type === 'open').length, 0);
  assert.deepEqual(log.filter(([type]) => type === 'error').map(([, e]) => e.code), ['AUTH_REJECTED', 'AUTH_REJECTED', 'AUTH_REJECTED']);
});

test('ack: 4403 before the ack → unauthorized at once, never open', async () => {
  const socket = create({ auth: { via: 'query', token: freshToken, ack: true } });
  const log = recordEvents(socket);
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.serverClose(4403, 'banned');
  assert.equal(socket.state, 'closed');
  assert.deepEqual(log.filter(([type]) => type === 'unauthorized').map(([, p]) => p), [{ code: 4403, reason: 'banned' }]);
  assert.equal(log.some(([type]) => type === 'open'), false);
});

test('ack: none within auth.timeout → AUTH_TIMEOUT, the client closes with 4401 and it counts toward maxFailures', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken, ack: true, timeout: 20, maxFailures: 2 } });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  const unauthorized = nextEvent(socket, 'unauthorized');
  const first = await FakeWebSocket.nth(0);
  first.open();
  first.receive({ type: 'hello' }); // not the ack: no confirmation
  (await FakeWebSocket.nth(1)).open();
  await unauthorized;
  assert.deepEqual(errors, ['AUTH_TIMEOUT', 'AUTH_TIMEOUT']);
  assert.equal(first.closeCalls[0]?.code, 4401);
});

test('ack: only the ack confirms (resets the failure count); a custom isAck is honoured', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken, ack: true, maxFailures: 2, isAck: (msg) => msg.type === 'connection_ack' } });
  let unauthorized = false;
  socket.on('unauthorized', () => (unauthorized = true));
  for (let i = 0; i < 4; i++) {
    const ws = await FakeWebSocket.nth(i);
    ws.open();
    ws.receive({ type: 'connection_ack' });
    assert.equal(socket.state, 'open');
    ws.serverClose(4401);
  }
  await FakeWebSocket.nth(4);
  assert.equal(unauthorized, false);
});

test('ack + make-before-break: the switch happens on the ack, not on another message or after 2 s', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken, ack: true } });
  const log = recordEvents(socket);
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'auth_ok' });
  const done = socket.reauthenticate();
  const fresh = await FakeWebSocket.nth(1);
  fresh.open();
  fresh.receive({ type: 'not-the-ack' });
  assert.equal(log.some(([type]) => type === 'reauthenticated'), false);
  fresh.receive({ type: 'auth_ok' });
  await within(done, 'reauthenticate()');
  assert.deepEqual(log.filter(([type]) => type === 'reauthenticated').map(([, p]) => p), [{ via: 'reconnect' }]);
  assert.equal(log.filter(([type]) => type === 'message').length, 0, 'neither the ack nor a pre-ack frame of the candidate is delivered');
});

test('ack + make-before-break: a candidate closed 4401 before its ack does not replace the current connection', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken, ack: true } });
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'auth_ok' });
  const done = socket.reauthenticate();
  const fresh = await FakeWebSocket.nth(1);
  fresh.open();
  fresh.serverClose(4401);
  await assert.rejects(within(done, 'reauthenticate()'), { code: 'AUTH_REJECTED' });
  assert.equal(socket.state, 'open');
  await quietFor(10);
  assert.deepEqual(old.closeCalls, []);
});
