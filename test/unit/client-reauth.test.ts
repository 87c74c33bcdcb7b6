// Re-authentication through a fake WebSocket: make-before-break ('reconnect')
// and a new auth frame on the live connection ('in-place'), forced with
// reauthenticate() or triggered by the token's expiry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { useClients } from './client-harness.ts';
import { FakeWebSocket, eventually, nextEvent, quietFor, recordEvents, within } from './fake-websocket.ts';

const { create, freshToken } = useClients();
const entry = (token: string) => `base64url.bearer.${encodeBase64Url(token)}`;


test('reauthenticate() before open rejects; without auth it rejects with INVALID_OPTIONS', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, startClosed: true });
  await assert.rejects(socket.reauthenticate(), { code: 'CONNECTION_FAILED' });
  const anonymous = create({ startClosed: true });
  await assert.rejects(anonymous.reauthenticate(), { code: 'INVALID_OPTIONS' });
});

test("'reconnect' refresh: a second connection with a fresh token, switched to, the old one closed with 1000", async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken } });
  const log = recordEvents(socket);
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'hello' });
  const done = socket.reauthenticate();
  const fresh = await FakeWebSocket.nth(1);
  assert.deepEqual(fresh.protocols, ['authsocket', entry('token-2')]);
  assert.equal(old.closeCalls.length, 0, 'the old connection stays up while the new one is not ready');
  fresh.open();
  fresh.receive({ type: 'hello again' }); // the server accepted the new credential
  await within(done, 'reauthenticate()');
  // The old connection lingers 1 s for replies already on their way, then closes with 1000.
  assert.equal(old.closeCalls.length, 0);
  await eventually(() => old.closeCalls.length > 0, 'the old connection to close', 3000);
  assert.deepEqual(old.closeCalls.map((call) => call.code), [1000]);
  assert.deepEqual(log.filter(([type]) => type === 'reauthenticated').map(([, p]) => p), [{ via: 'reconnect' }]);
  assert.equal(socket.state, 'open');
  socket.send({ type: 'after' });
  assert.deepEqual(fresh.sentMessages.at(-1), { type: 'after' }, 'sends go to the new connection');
  assert.equal(log.some(([type]) => type === 'close'), false, 'the switch is not a close for the application');
});

test("'reconnect' refresh: a new connection the server accepts then closes with 4401 does not replace the old one", async () => {
  // Servers accept the upgrade and close 4401 right after ("the socket opened"
  // proves nothing), so the switch must wait until the new credential is confirmed.
  const socket = create({ auth: { via: 'subprotocol', token: freshToken } });
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'hello' });
  const done = socket.reauthenticate();
  const fresh = await FakeWebSocket.nth(1);
  fresh.open();
  fresh.serverClose(4401, 'token revoked');
  await assert.rejects(within(done, 'reauthenticate()'), 'reauthenticate() must not succeed with a refused credential');
  assert.deepEqual(old.closeCalls, [], 'the old, working connection stays up');
  assert.equal(socket.state, 'open');
});

test("'in-place' refresh (message carrier): a new auth frame on the live connection, then its ack", async () => {
  const socket = create({ auth: { via: 'message', token: freshToken, refresh: 'in-place' } });
  const log = recordEvents(socket);
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.receive({ type: 'auth_ok' });
  const done = socket.reauthenticate();
  await eventually(() => ws.sent.length >= 2, 'the second auth frame');
  assert.deepEqual(ws.sentMessages, [{ type: 'auth', token: 'token-1' }, { type: 'auth', token: 'token-2' }]);
  ws.receive({ type: 'auth_ok' });
  await within(done, 'reauthenticate()');
  assert.deepEqual(log.filter(([type]) => type === 'reauthenticated').map(([, p]) => p), [{ via: 'in-place' }]);
  assert.equal(FakeWebSocket.instances.length, 1, 'no new connection');
  assert.equal(socket.state, 'open');
});

test("'in-place' refresh rejected by the server → AUTH_REJECTED, reauthenticate() rejects, the client reconnects", async () => {
  const socket = create({ auth: { via: 'message', token: freshToken, refresh: 'in-place' } });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.receive({ type: 'auth_ok' });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  const done = socket.reauthenticate();
  await eventually(() => ws.sent.length >= 2, 'the second auth frame');
  ws.receive({ type: 'auth_error' });
  await assert.rejects(within(done, 'reauthenticate()'), { code: 'AUTH_REJECTED' });
  socket.send({ type: 'after-reject' }); // not written to the refused connection: queued for the next one
  assert.equal(ws.sent.length, 2);
  ws.serverClose(4401, 'invalid'); // what the gate does after auth_error
  assert.deepEqual(errors, ['AUTH_REJECTED']);
  const next = await FakeWebSocket.nth(1);
  next.open();
  next.receive({ type: 'auth_ok' });
  assert.deepEqual(next.sentMessages, [{ type: 'auth', token: 'token-3' }, { type: 'after-reject' }]);
});

/** A message-carrier socket, open, whose in-place re-authentication frame has just been sent. */
async function reauthenticatingInPlace() {
  const socket = create({ auth: { via: 'message', token: freshToken, refresh: 'in-place' } });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.receive({ type: 'auth_ok' });
  const done = socket.reauthenticate();
  await eventually(() => ws.sent.length >= 2, 'the second auth frame');
  return { socket, ws, done };
}

test("'in-place' refresh: an app frame that looks like auth_error (relayed from another user) is no verdict when the server's ack follows; nothing is dropped", async () => {
  const { socket, ws, done } = await reauthenticatingInPlace();
  const log = recordEvents(socket);
  ws.receive({ type: 'auth_error' }); // the spoof, while the gate verifies
  socket.send({ type: 'during' }); // held: a real reject would close this connection
  assert.equal(ws.sent.length, 2);
  ws.receive({ type: 'auth_ok' }); // the gate's answer to this request
  await within(done, 'reauthenticate()');
  await quietFor(1200); // past the time a reject waits for its close
  assert.deepEqual(ws.closeCalls, [], 'the connection stays up');
  assert.equal(socket.state, 'open');
  assert.deepEqual(ws.sentMessages.at(-1), { type: 'during' }, 'what was held is sent after the ack');
  assert.deepEqual(log.filter(([type]) => type === 'reauthenticated').map(([, p]) => p), [{ via: 'in-place' }]);
  assert.deepEqual(log.filter(([type]) => type === 'error'), []);
  assert.equal(FakeWebSocket.instances.length, 1);
});

test("'in-place' refresh: one verdict per request — after the ack, a frame that looks like auth_error is an app message, not a second verdict", async () => {
  const { socket, ws, done } = await reauthenticatingInPlace();
  const messages: unknown[] = [];
  socket.on('message', (msg) => messages.push(msg));
  ws.receive({ type: 'auth_ok' });
  await within(done, 'reauthenticate()');
  ws.receive({ type: 'auth_error' }); // out of turn: no request is pending
  await quietFor(1200);
  assert.deepEqual(messages, [{ type: 'auth_error' }]);
  assert.deepEqual(ws.closeCalls, [], 'not taken as a reject');
  assert.equal(socket.state, 'open');
});

test("'in-place' refresh: a reject the server does not follow with a close or an ack ends the connection after 1 s (4401)", async () => {
  const { ws, done } = await reauthenticatingInPlace();
  ws.receive({ type: 'auth_error' });
  await assert.rejects(within(done, 'reauthenticate()'), { code: 'AUTH_REJECTED' });
  await eventually(() => ws.closeCalls.length > 0, 'the client to close', 2000);
  assert.equal(ws.closeCalls[0]!.code, 4401);
});

test("'in-place' refresh rejected, then the server's 4403 → unauthorized {4403}, no retry", async () => {
  const socket = create({ auth: { via: 'message', token: freshToken, refresh: 'in-place' } });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.receive({ type: 'auth_ok' });
  const unauthorized = nextEvent(socket, 'unauthorized');
  const done = socket.reauthenticate();
  await eventually(() => ws.sent.length >= 2, 'the second auth frame');
  ws.receive({ type: 'auth_error' });
  await assert.rejects(within(done, 'reauthenticate()'), { code: 'AUTH_REJECTED' });
  ws.serverClose(4403, 'revoked');
  assert.deepEqual(await unauthorized, { code: 4403, reason: 'revoked' });
  assert.equal(socket.state, 'closed');
  await quietFor(30);
  assert.equal(FakeWebSocket.instances.length, 1);
});

test('a token about to expire is refreshed on its own', async () => {
  // 300 ms of life: refresh 10% (30 ms) before expiry.
  const socket = create({ auth: { via: 'subprotocol', token: () => ({ token: freshToken(), expiresAt: Date.now() + 300 }) } });
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'hello' });
  const fresh = await FakeWebSocket.nth(1, 1000);
  assert.deepEqual(fresh.protocols, ['authsocket', entry('token-2')]);
  const reauthenticated = nextEvent(socket, 'reauthenticated');
  fresh.open();
  fresh.receive({ type: 'hello' });
  assert.deepEqual(await reauthenticated, { via: 'reconnect' });
});

test('a make-before-break refresh closes the old connection itself (1000) before its credential expires', async () => {
  // A 3 s token: the refresh starts 1.5 s before expiry (at 10% it would start
  // 300 ms before, and the old connection, lingering 1 s after the switch,
  // would still be open when the server closes it 4401 'credential expired').
  const expiries: number[] = [];
  const socket = create({
    auth: {
      via: 'subprotocol',
      token: () => {
        expiries.push(Date.now() + 3000);
        return { token: freshToken(), expiresAt: expiries.at(-1)! };
      },
    },
  });
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive({ type: 'hello' });
  const fresh = await FakeWebSocket.nth(1, 3000);
  const startedBefore = expiries[0]! - Date.now();
  assert.ok(startedBefore >= 1000, `the refresh starts ${startedBefore} ms before expiry`);
  const reauthenticated = nextEvent(socket, 'reauthenticated');
  fresh.open();
  fresh.receive({ type: 'hello' });
  await within(reauthenticated, 'reauthenticated');
  await eventually(() => old.closeCalls.length > 0, 'the old connection to close', 3000);
  const closedBefore = expiries[0]! - Date.now();
  assert.deepEqual(old.closeCalls.map((call) => call.code), [1000]);
  assert.ok(closedBefore >= 500, `the old connection closed ${closedBefore} ms before its credential expired`);
  socket.close();
});

test('close() after an open emits exactly one close event', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken } });
  const closes: unknown[] = [];
  socket.on('close', (info) => closes.push(info));
  (await FakeWebSocket.nth(0)).open();
  socket.close(1000, 'bye');
  await quietFor(30); // the fake completes its close handshake meanwhile
  assert.deepEqual(closes, [{ code: 1000, reason: 'bye', wasClean: true, willReconnect: false, dropped: 0 }]);
});
