// Close codes the application chooses (options.closeCodes) and no tight
// reconnect loops (reconnect.minUptime), with a fake WebSocket as the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthSocket } from '../../src/index.ts';
import { useClients } from './client-harness.ts';
import { FakeWebSocket, nextEvent, quietFor, recordEvents, untilState } from './fake-websocket.ts';

const { create, freshToken, issued } = useClients();

test("closeCodes 'fatal': CONNECTION_FAILED naming the code, state closed, no retry, the queue kept for open()", async () => {
  const socket = create({ auth: { via: 'message', token: freshToken }, closeCodes: { 4400: 'fatal' } });
  const log = recordEvents(socket);
  const first = await FakeWebSocket.nth(0);
  first.open();
  socket.send({ type: 'kept' }); // queued: no ack yet
  first.serverClose(4400, 'bad message');
  assert.equal(socket.state, 'closed');
  const errors = log.filter(([type]) => type === 'error').map(([, error]) => error);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'CONNECTION_FAILED');
  assert.match(errors[0].message, /4400/);
  assert.match(errors[0].message, /fatal/);
  assert.deepEqual(log.filter(([type]) => type === 'close').map(([, p]) => p.willReconnect), [false]);
  assert.equal(log.some(([type]) => type === 'unauthorized' || type === 'reconnecting'), false);
  await quietFor(30);
  assert.equal(FakeWebSocket.instances.length, 1, 'no further attempt');
  socket.open();
  const second = await FakeWebSocket.nth(1);
  second.open();
  second.receive({ type: 'auth_ok' });
  assert.deepEqual(second.sentMessages, [{ type: 'auth', token: 'token-2' }, { type: 'kept' }]);
});

test("closeCodes 'unauthorized': the code counts like 4401, a fresh credential each time, then unauthorized", async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, closeCodes: { 4408: 'unauthorized' } });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  const unauthorized = nextEvent(socket, 'unauthorized');
  for (let i = 0; i < 3; i++) {
    const ws = await FakeWebSocket.nth(i);
    ws.open();
    ws.serverClose(4408, 'init timeout');
  }
  assert.deepEqual(await unauthorized, { code: 4408, reason: 'init timeout' });
  assert.deepEqual(errors, ['AUTH_REJECTED', 'AUTH_REJECTED', 'AUTH_REJECTED']);
  assert.equal(issued(), 3);
});

test("closeCodes 'forbidden' stops at once; 'retry' overrides the built-in 4403", async () => {
  const forbidden = create({ auth: { via: 'query', token: freshToken }, closeCodes: { 4409: 'forbidden' } });
  const unauthorized = nextEvent(forbidden, 'unauthorized');
  (await FakeWebSocket.nth(0)).serverClose(4409, 'duplicate');
  assert.deepEqual(await unauthorized, { code: 4409, reason: 'duplicate' });
  assert.equal(forbidden.state, 'closed');
  forbidden.close();

  const retrying = create({ auth: { via: 'query', token: freshToken }, closeCodes: { 4403: 'retry' } });
  let gaveUp = false;
  retrying.on('unauthorized', () => (gaveUp = true));
  (await FakeWebSocket.nth(1)).serverClose(4403);
  await FakeWebSocket.nth(2);
  assert.equal(gaveUp, false);
  assert.notEqual(retrying.state, 'closed');
});

test("closeCodes never apply to the client's own closes (a reject message still counts as an auth failure)", async () => {
  const socket = create({ auth: { via: 'message', token: freshToken, timeout: 20 }, closeCodes: { 4401: 'fatal' } });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  (await FakeWebSocket.nth(0)).open(); // no ack: the client closes with 4401 itself
  await FakeWebSocket.nth(1);
  assert.deepEqual(errors, ['AUTH_TIMEOUT']);
  assert.notEqual(socket.state, 'closed');
});

test('closeCodes are checked at construction: INVALID_OPTIONS', () => {
  const make = (closeCodes: unknown) => () => new AuthSocket('wss://a.example/ws', { WebSocket: FakeWebSocket, startClosed: true, closeCodes: closeCodes as never });
  assert.throws(make({ 999: 'retry' }), { code: 'INVALID_OPTIONS' });
  assert.throws(make({ 1006: 'fatal' }), { code: 'INVALID_OPTIONS', message: /1006/ });
  assert.throws(make({ 4400: 'boom' }), { code: 'INVALID_OPTIONS', message: /boom/ });
  assert.throws(make('fatal'), { code: 'INVALID_OPTIONS' });
  assert.doesNotThrow(make({ 1000: 'fatal', 4999: 'retry' }));
});

/** Every `reconnecting` delay while a server accepts, confirms with a message and closes at once. */
async function loopDelays(rounds: number, reconnect: object, hold = 0): Promise<number[]> {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, reconnect });
  const delays: number[] = [];
  socket.on('reconnecting', ({ delay }) => delays.push(delay));
  for (let i = 0; i < rounds; i++) {
    const ws = await FakeWebSocket.nth(i);
    ws.open();
    ws.receive({ type: 'connection_ack' }); // confirmed
    if (hold) await quietFor(hold);
    ws.serverClose(4400, 'bad message');
  }
  await FakeWebSocket.nth(rounds);
  return delays;
}

test('no tight loop: a server that accepts, confirms and closes at once is retried with growing delays', async (t) => {
  t.mock.method(Math, 'random', () => 1); // the top of each full-jitter range
  const delays = await loopDelays(5, { minDelay: 2, maxDelay: 10_000, factor: 2 });
  assert.deepEqual(delays, [2, 4, 8, 16, 32]);
});

test('the backoff starts over once a connection stayed open reconnect.minUptime', async (t) => {
  t.mock.method(Math, 'random', () => 1);
  const delays = await loopDelays(3, { minDelay: 2, maxDelay: 10_000, factor: 2, minUptime: 40 }, 70);
  assert.deepEqual(delays, [2, 2, 2]);
});

test('maxRetries counts confirmed-then-closed connections too: the loop ends', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, reconnect: { minDelay: 1, maxDelay: 5, maxRetries: 2 } });
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.code));
  for (let i = 0; i < 3; i++) {
    const ws = await FakeWebSocket.nth(i);
    ws.open();
    ws.receive({ type: 'hello' });
    ws.serverClose(4400);
  }
  await untilState(socket, 'closed');
  assert.deepEqual(errors, ['CONNECTION_FAILED']);
  await quietFor(30);
  assert.equal(FakeWebSocket.instances.length, 3);
});

test('confirmation still resets the auth-failure count at once (minUptime only governs the backoff)', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken, maxFailures: 2 } });
  let unauthorized = false;
  socket.on('unauthorized', () => (unauthorized = true));
  for (let i = 0; i < 4; i++) {
    const ws = await FakeWebSocket.nth(i);
    ws.open();
    ws.receive({ type: 'hello' });
    ws.serverClose(4401);
  }
  await FakeWebSocket.nth(4);
  assert.equal(unauthorized, false);
});
