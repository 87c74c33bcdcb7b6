// The auth failure policy, driven through a fake WebSocket: 4403 stops at once,
// 4401/1008/reject/timeout count towards maxFailures, and only a confirmed
// attempt (ack, first server message, or 2 s open) resets the count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useClients } from './client-harness.ts';
import { eventually, FakeWebSocket, nextEvent, quietFor, recordEvents, untilState } from './fake-websocket.ts';

const { create, freshToken, issued } = useClients();


test('4403 → unauthorized and state closed at once, no further attempt', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken } });
  const log = recordEvents(socket);
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.serverClose(4403, 'forbidden');
  assert.equal(socket.state, 'closed', 'synchronously, not after a retry');
  const unauthorized = log.filter(([type]) => type === 'unauthorized');
  assert.deepEqual(unauthorized, [['unauthorized', { code: 4403, reason: 'forbidden' }]]);
  const closes = log.filter(([type]) => type === 'close').map(([, p]) => p);
  assert.deepEqual(closes, [{ code: 4403, reason: 'forbidden', wasClean: true, willReconnect: false }]);
  assert.equal(log.some(([type]) => type === 'reconnecting'), false);
  await quietFor(40);
  assert.equal(FakeWebSocket.instances.length, 1);
  assert.equal(issued(), 1);
});

test('4401 maxFailures (default 3) times in a row → unauthorized, each retry with a fresh token', async () => {
  const socket = create({ auth: { via: 'query', token: freshToken } });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  const unauthorized = nextEvent(socket, 'unauthorized');
  for (let i = 0; i < 3; i++) {
    const ws = await FakeWebSocket.nth(i);
    assert.equal(new URL(ws.url).searchParams.get('access_token'), `token-${i + 1}`);
    ws.serverClose(4401, 'bad token');
  }
  assert.deepEqual(await unauthorized, { code: 4401, reason: 'bad token' });
  assert.equal(socket.state, 'closed');
  assert.deepEqual(errors.filter((code) => code === 'AUTH_REJECTED'), ['AUTH_REJECTED', 'AUTH_REJECTED', 'AUTH_REJECTED']);
  await quietFor(30);
  assert.equal(FakeWebSocket.instances.length, 3);
});

test('auth.maxFailures is honoured; 1008 counts as an auth failure too', async () => {
  const socket = create({ auth: { via: 'query', token: freshToken, maxFailures: 2 } });
  const unauthorized = nextEvent(socket, 'unauthorized');
  (await FakeWebSocket.nth(0)).serverClose(1008, 'policy');
  (await FakeWebSocket.nth(1)).serverClose(4401);
  assert.equal((await unauthorized).code, 4401);
  assert.equal(FakeWebSocket.instances.length, 2);
});

test('the failure count does NOT reset because the socket opened (server accepts, then closes 4401)', async () => {
  // Real servers accept the upgrade and close with 4401 right after: "opened" proves nothing.
  const socket = create({ auth: { via: 'subprotocol', token: freshToken } });
  const log = recordEvents(socket);
  for (let i = 0; i < 3; i++) {
    const ws = await FakeWebSocket.nth(i);
    ws.open();
    ws.serverClose(4401, 'invalid token');
  }
  await untilState(socket, 'closed');
  assert.deepEqual(log.filter(([type]) => type === 'unauthorized').map(([, p]) => p), [{ code: 4401, reason: 'invalid token' }]);
  assert.equal(log.filter(([type]) => type === 'open').length, 3);
  await quietFor(30);
  assert.equal(FakeWebSocket.instances.length, 3, 'gave up after maxFailures');
});

test('a first message from the server confirms the attempt and resets the count', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken } });
  let unauthorized = false;
  socket.on('unauthorized', () => (unauthorized = true));
  // Five 4401s, each after a server message: never three *consecutive* failures.
  for (let i = 0; i < 5; i++) {
    const ws = await FakeWebSocket.nth(i);
    ws.open();
    ws.receive({ type: 'welcome' });
    ws.serverClose(4401, 'token expired');
  }
  await FakeWebSocket.nth(5);
  assert.equal(unauthorized, false);
  assert.notEqual(socket.state, 'closed');
});

test('only consecutive failures count: after a confirmed attempt it takes maxFailures new ones', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken, maxFailures: 2 } });
  const unauthorized = nextEvent(socket, 'unauthorized');
  (await FakeWebSocket.nth(0)).serverClose(4401); // 1
  const confirmed = await FakeWebSocket.nth(1);
  confirmed.open();
  confirmed.receive({ type: 'hello' }); // reset
  confirmed.serverClose(4401); // 1
  (await FakeWebSocket.nth(2)).serverClose(4401); // 2 → give up
  await unauthorized;
  assert.equal(FakeWebSocket.instances.length, 3);
});

test('staying open 2 s confirms an attempt even without a server message', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken, maxFailures: 2 } });
  let unauthorized = false;
  socket.on('unauthorized', () => (unauthorized = true));
  (await FakeWebSocket.nth(0)).serverClose(4401); // 1
  const quiet = await FakeWebSocket.nth(1);
  quiet.open();
  await quietFor(2100); // CONFIRM_AFTER is 2 s
  quiet.serverClose(4401); // 1 again, not 2
  await FakeWebSocket.nth(2);
  assert.equal(unauthorized, false);
});

// ── the message carrier ───────────────────────────────────────────────────

test('message: the auth frame goes first; queued messages only after the ack; open after the ack', async () => {
  const socket = create({ auth: { via: 'message', token: 'in-band-token' } });
  const log = recordEvents(socket);
  socket.send({ type: 'early' });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  assert.equal(socket.state, 'authenticating');
  socket.send({ type: 'while-authenticating' });
  assert.deepEqual(ws.sentMessages, [{ type: 'auth', token: 'in-band-token' }], 'nothing but the auth frame before the ack');
  assert.equal(log.some(([type]) => type === 'open'), false);
  ws.receive({ type: 'auth_ok' });
  assert.equal(socket.state, 'open');
  assert.deepEqual(ws.sentMessages, [
    { type: 'auth', token: 'in-band-token' },
    { type: 'early' },
    { type: 'while-authenticating' },
  ]);
  assert.deepEqual(
    log.filter(([type]) => type === 'state').map(([, p]) => p.to),
    ['connecting', 'authenticating', 'open'],
  );
  assert.equal(log.some(([type]) => type === 'message'), false, 'the ack is not delivered as a message');
});

test('message: a reject the server does not follow with a close → after 1 s the client closes with 4401, AUTH_REJECTED, a fresh token', async () => {
  const socket = create({ auth: { via: 'message', token: freshToken } });
  const errors: Array<{ code: string; message: string }> = [];
  socket.on('error', (error) => errors.push({ code: error.code, message: error.message }));
  const first = await FakeWebSocket.nth(0);
  first.open();
  first.receive({ type: 'auth_error' });
  first.receive({ type: 'chat', text: 'after the reject' }); // not delivered: the connection was refused
  assert.equal(first.closeCalls.length, 0, 'the server gets its chance to close with its own code');
  assert.equal(socket.state, 'authenticating');
  await eventually(() => first.closeCalls.length > 0, 'the client to close the rejected connection', 1500);
  assert.equal(first.closeCalls[0]?.code, 4401);
  assert.deepEqual(errors.map((error) => error.code), ['AUTH_REJECTED']);
  assert.match(errors[0]!.message, /retrying with a fresh credential/);
  const second = await FakeWebSocket.nth(1);
  second.open();
  assert.deepEqual(second.sentMessages, [{ type: 'auth', token: 'token-2' }]);
});

test('message: a reject then the server\'s 4403 → unauthorized {4403}, no retry (Forbidden survives the message carrier)', async () => {
  const socket = create({ auth: { via: 'message', token: freshToken } });
  const log = recordEvents(socket);
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.receive({ type: 'auth_error' });
  ws.serverClose(4403, 'forbidden');
  assert.equal(socket.state, 'closed');
  assert.deepEqual(log.filter(([type]) => type === 'unauthorized').map(([, p]) => p), [{ code: 4403, reason: 'forbidden' }]);
  assert.equal(log.some(([type]) => type === 'open' || type === 'message'), false);
  await quietFor(1100); // past the 1 s wait: the client closes nothing itself and makes no new attempt
  assert.deepEqual(ws.closeCalls, []);
  assert.equal(FakeWebSocket.instances.length, 1);
  assert.equal(issued(), 1);
});

test('message: a reject then the server\'s 4401 (or any other code) → one AUTH_REJECTED, counted as an auth failure', async () => {
  const socket = create({ auth: { via: 'message', token: freshToken, maxFailures: 2 } });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  const unauthorized = nextEvent(socket, 'unauthorized');
  const a = await FakeWebSocket.nth(0);
  a.open();
  a.receive({ type: 'auth_error' });
  a.serverClose(4401, 'invalid');
  const b = await FakeWebSocket.nth(1);
  b.open();
  b.receive({ type: 'auth_error' });
  b.serverClose(1000, 'bye'); // a plain close after a reject is still the refusal
  assert.deepEqual(await unauthorized, { code: 1000, reason: 'bye' });
  assert.deepEqual(errors, ['AUTH_REJECTED', 'AUTH_REJECTED']);
});

test('the last AUTH_REJECTED before giving up says so; a fixed string token is never called "fresh"', async () => {
  const socket = create({ auth: { via: 'query', token: 'fixed-token', maxFailures: 2 } });
  const messages: string[] = [];
  socket.on('error', (error) => error.code === 'AUTH_REJECTED' && messages.push(error.message));
  const unauthorized = nextEvent(socket, 'unauthorized');
  (await FakeWebSocket.nth(0)).serverClose(4401);
  (await FakeWebSocket.nth(1)).serverClose(4401);
  await unauthorized;
  assert.equal(messages.length, 2);
  assert.match(messages[0]!, /retrying with the same token/);
  assert.match(messages[1]!, /giving up after 2 consecutive auth failures/);
  for (const message of messages) assert.doesNotMatch(message, /fresh/);
  assert.doesNotMatch(messages[1]!, /retrying/);
});

test('message: no ack within auth.timeout → AUTH_TIMEOUT and a retry', async () => {
  const socket = create({ auth: { via: 'message', token: freshToken, timeout: 30 } });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  const error = await nextEvent(socket, 'error');
  assert.equal(error.code, 'AUTH_TIMEOUT');
  await FakeWebSocket.nth(1);
});

test('message: maxFailures rejects in a row → unauthorized; the ack resets the count', async () => {
  const socket = create({ auth: { via: 'message', token: freshToken, maxFailures: 2 } });
  const unauthorized = nextEvent(socket, 'unauthorized');
  const a = await FakeWebSocket.nth(0);
  a.open();
  a.receive({ type: 'auth_error' }); // 1
  a.serverClose(4401); // what the gate does after auth_error
  const b = await FakeWebSocket.nth(1);
  b.open();
  b.receive({ type: 'auth_ok' }); // reset
  b.serverClose(4401); // 1
  const c = await FakeWebSocket.nth(2);
  c.open();
  c.receive({ type: 'auth_error' }); // 2 → give up
  c.serverClose(4401);
  await unauthorized;
  assert.equal(socket.state, 'closed');
  await quietFor(30);
  assert.equal(FakeWebSocket.instances.length, 3);
});

test('message: the server closing 4401 right after open (before any ack) still counts', async () => {
  const socket = create({ auth: { via: 'message', token: freshToken } });
  const unauthorized = nextEvent(socket, 'unauthorized');
  for (let i = 0; i < 3; i++) {
    const ws = await FakeWebSocket.nth(i);
    ws.open();
    ws.serverClose(4401);
  }
  await unauthorized;
});

// ── the credential never leaks ────────────────────────────────────────────

for (const via of ['query', 'subprotocol', 'message'] as const) {
  test(`${via}: debug lines, errors and event payloads never contain the token (connect, 4401, reconnect, close)`, async () => {
    const TOKEN = 'Zebra-Secret/Token+42=é';
    const forms = [TOKEN, Buffer.from(TOKEN).toString('base64url'), encodeURIComponent(TOKEN)];
    const lines: string[] = [];
    const socket = create({ debug: (line) => lines.push(line), auth: { via, token: () => TOKEN } });
    const payloads: string[] = [];
    for (const type of ['connecting', 'open', 'close', 'reconnecting', 'unauthorized', 'state', 'error'] as const) {
      socket.on(type, (payload: unknown) => {
        payloads.push(JSON.stringify(payload));
        if (payload instanceof Error) payloads.push(payload.message, String(payload.stack));
      });
    }
    const first = await FakeWebSocket.nth(0);
    first.open();
    if (via === 'message') first.receive({ type: 'auth_ok' });
    // A careless server echoes the credential in its close reason.
    first.serverClose(4401, `rejected ${TOKEN}`);
    const second = await FakeWebSocket.nth(1);
    second.open();
    if (via === 'message') second.receive({ type: 'auth_error' });
    else second.serverClose(4401, `expired ${forms[1]}`);
    const third = await FakeWebSocket.nth(2);
    third.fail();
    await FakeWebSocket.nth(3);
    socket.close(1000, 'bye');
    assert.ok(lines.length >= 8, `expected a debug trail, got ${lines.length} lines`);
    for (const text of [...lines, ...payloads]) {
      for (const form of forms) assert.ok(!text.includes(form), `leaked ${JSON.stringify(form)} in: ${text}`);
    }
  });
}
