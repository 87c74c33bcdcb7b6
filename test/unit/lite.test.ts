// authsocket/lite: the same client with carriers passed as values (so a bundler
// keeps only the imported ones) and no tab sharing; and every error message
// ends with its docs/errors.md anchor.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { AuthSocket as Main, AuthSocketError as MainError } from '../../src/index.ts';
import { AuthSocket, AuthSocketError, message, query, subprotocol } from '../../src/lite.ts';
import { FAST, FakeWebSocket, nextEvent } from './fake-websocket.ts';

const URL_ = 'wss://api.example.com/ws';
const sockets: Array<{ close(): void }> = [];
beforeEach(() => FakeWebSocket.reset());
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
const make = (options: ConstructorParameters<typeof AuthSocket>[1]) => {
  const socket = new AuthSocket(URL_, { WebSocket: FakeWebSocket, reconnect: FAST, ...options });
  sockets.push(socket);
  return socket;
};

test('lite: a carrier value works as via: subprotocol offers the token, the socket opens', async () => {
  const socket = make({ auth: { via: subprotocol, token: 'secret-1' } });
  const ws = await FakeWebSocket.nth(0);
  assert.equal(ws.protocols[0], 'authsocket');
  assert.match(ws.protocols[1]!, /^base64url\.bearer\./);
  const opened = nextEvent(socket, 'open');
  ws.open();
  await opened;
  assert.equal(socket.state, 'open');
});

test('lite: query and message carriers by value behave as their names do in the main entry', async () => {
  make({ auth: { via: query, token: 'q-token' } });
  assert.match((await FakeWebSocket.nth(0)).url, /[?&]access_token=q-token/);
  make({ auth: { via: message, token: 'm-token' } });
  const ws = await FakeWebSocket.nth(1);
  ws.open();
  assert.deepEqual(JSON.parse(String(ws.sent[0])), { type: 'auth', token: 'm-token' });
});

test('lite: a carrier name, or shared, is a setup error naming the fix (INVALID_OPTIONS)', () => {
  assert.throws(() => make({ auth: { via: 'subprotocol' as never, token: 't' } }), { code: 'INVALID_OPTIONS', message: /authsocket\/lite/ });
  assert.throws(() => make({ shared: true } as never), { code: 'INVALID_OPTIONS', message: /shared/ });
});

test('lite and the main entry share the core: one error class, and the main AuthSocket is a subclass', () => {
  assert.equal(AuthSocketError, MainError);
  assert.ok(Object.getPrototypeOf(Main) === AuthSocket, 'main entry = core + every carrier by name + tabs');
  const socket = new Main(URL_, { WebSocket: FakeWebSocket, startClosed: true, auth: { via: 'subprotocol', token: 't' } });
  assert.ok(socket instanceof AuthSocket);
});

test('an error message is short and ends with the full URL of its code\'s entry in the published docs/errors.md', () => {
  const cases: Array<[() => unknown, string]> = [
    [() => new Main('ftp://example.com/ws', { WebSocket: FakeWebSocket }), 'invalid_url'],
    [() => new Main('ws://example.com/ws', { WebSocket: FakeWebSocket, auth: { via: 'query', token: 't' } }), 'insecure_transport'],
    [() => new Main(URL_, { WebSocket: FakeWebSocket, auth: { via: 'nope' as never, token: 't' } }), 'invalid_options'],
  ];
  for (const [build, anchor] of cases) {
    assert.throws(build, (error: unknown) => {
      assert.ok(error instanceof MainError);
      const link = ` — https://github.com/authsocket/authsocket/blob/main/docs/errors.md#${anchor}`;
      assert.ok(error.message.endsWith(link), error.message);
      assert.equal(error.code.toLowerCase(), anchor);
      assert.ok(error.message.length - link.length < 120, `short: ${error.message}`);
      return true;
    });
  }
});
