// authsocket/lite: heartbeat, validate, setup and closeCodes take a value wrapped
// by the entry's function of the same name, which brings the feature's code
// along (an app that does not use one does not bundle it). The main entry takes
// the plain values as before.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { AuthSocket as Main } from '../../src/index.ts';
import { ack, AuthSocket, closeCodes, heartbeat, setup, subprotocol, validate } from '../../src/lite.ts';
import { FAST, FakeWebSocket, nextEvent } from './fake-websocket.ts';

const URL_ = 'wss://api.example.com/ws';
const sockets: Array<{ close(): void }> = [];
beforeEach(() => FakeWebSocket.reset());
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
const make = (options: ConstructorParameters<typeof AuthSocket>[1] = {}) => {
  const socket = new AuthSocket(URL_, { WebSocket: FakeWebSocket, reconnect: FAST, auth: { via: subprotocol, token: 't' }, ...options });
  sockets.push(socket);
  return socket;
};
const opened = async (socket: AuthSocket, index = 0) => {
  const ws = await FakeWebSocket.nth(index);
  const open = nextEvent(socket, 'open');
  ws.open();
  await open;
  return ws;
};

test('lite heartbeat(): pings on its interval, a pong is not delivered, no answer reconnects at once', async () => {
  const socket = make({ heartbeat: heartbeat({ interval: 20, timeout: 40 }) });
  const ws = await opened(socket);
  const pinged = () => ws.sentMessages.some((msg) => (msg as { type?: string }).type === 'ping');
  for (const deadline = Date.now() + 1000; !pinged() && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(pinged(), 'a ping went out within 1 s');
  const messages: unknown[] = [];
  socket.on('message', (msg) => messages.push(msg));
  ws.receive({ type: 'pong' });
  ws.receive({ type: 'chat' });
  assert.deepEqual(messages, [{ type: 'chat' }]);
  const closed = nextEvent(socket, 'close');
  assert.equal((await closed).code, 4000, 'no pong within timeout: heartbeat timeout');
});

test('lite validate(): invalid messages become VALIDATION_FAILED, valid ones are delivered', async () => {
  const schema = {
    '~standard': {
      version: 1 as const,
      vendor: 'test',
      validate: (value: unknown) => ((value as { ok?: boolean }).ok ? { value } : { issues: [{ message: 'not ok' }] }),
    },
  };
  const socket = make({ validate: validate(schema) });
  const ws = await opened(socket);
  const error = nextEvent(socket, 'error');
  ws.receive({ ok: false });
  assert.equal((await error).code, 'VALIDATION_FAILED');
  const message = nextEvent(socket, 'message');
  ws.receive({ ok: true });
  assert.deepEqual(await message, { ok: true });
});

test('lite setup(): runs before open and its sends go out first', async () => {
  const socket = make({ setup: setup((connection) => connection.send({ type: 'subscribe' })) });
  socket.send({ type: 'queued' });
  const ws = await opened(socket);
  assert.deepEqual(ws.sentMessages, [{ type: 'subscribe' }, { type: 'queued' }]);
});

test('lite closeCodes(): a listed code gets its meaning (fatal stops)', async () => {
  const socket = make({ closeCodes: closeCodes({ 4400: 'fatal' }) });
  const ws = await opened(socket);
  const error = nextEvent(socket, 'error');
  ws.serverClose(4400, 'bad message');
  assert.equal((await error).code, 'CONNECTION_FAILED');
  assert.equal(socket.state, 'closed');
});

test('lite: a plain value where a wrapped one is needed is INVALID_OPTIONS naming the fix; wrapped values are still checked', () => {
  for (const [name, value] of [['heartbeat', { interval: 10, timeout: 10 }], ['validate', {}], ['setup', () => {}], ['closeCodes', { 4400: 'fatal' }]] as const) {
    assert.throws(() => make({ [name]: value } as never), { code: 'INVALID_OPTIONS', message: new RegExp(`${name}: wrap it in ${name}\\(\\) from 'authsocket/lite'`) });
  }
  assert.throws(() => make({ heartbeat: heartbeat({ interval: 0, timeout: 10 }) }), { code: 'INVALID_OPTIONS', message: /heartbeat: give interval/ });
  assert.throws(() => make({ closeCodes: closeCodes({ 1006: 'fatal' }) }), { code: 'INVALID_OPTIONS', message: /closeCodes key/ });
  assert.throws(() => make({ setup: setup('nope' as never) }), { code: 'INVALID_OPTIONS', message: /setup: give a function/ });
});

test('the main entry takes the plain values (and refuses none of them)', async () => {
  const socket = new Main(URL_, {
    WebSocket: FakeWebSocket,
    reconnect: FAST,
    auth: { via: 'subprotocol', token: 't' },
    heartbeat: { interval: 1000, timeout: 1000 },
    closeCodes: { 4400: 'fatal' },
    setup: (connection) => connection.send({ type: 'hi' }),
  });
  sockets.push(socket);
  const ws = await FakeWebSocket.nth(0);
  const open = nextEvent(socket, 'open');
  ws.open();
  await open;
  assert.deepEqual(ws.sentMessages, [{ type: 'hi' }]);
});

test('lite ack: open waits for the server\'s auth_ok; ack: true is INVALID_OPTIONS naming the fix', async () => {
  const socket = make({ auth: { via: subprotocol, ack, token: 't' } });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(socket.state, 'authenticating', 'no open before the ack');
  const open = nextEvent(socket, 'open');
  ws.receive({ type: 'auth_ok' });
  await open;
  assert.equal(socket.state, 'open');
  assert.throws(() => make({ auth: { via: subprotocol, ack: true as never, token: 't' } }), { code: 'INVALID_OPTIONS', message: /auth\.ack: pass ack from 'authsocket\/lite'/ });
});
