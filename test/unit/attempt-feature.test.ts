// The extension point for features that speak on the connection (resume is the
// one in view): a value made by attemptFeature() among the options takes part
// in every attempt, with no code of its own in the core.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { attemptFeature, type AttemptFeature, type AttemptHandle, type OpenExtra } from '../../src/core/features.ts';
import { AuthSocket, subprotocol } from '../../src/lite.ts';
import { FAST, FakeWebSocket, nextEvent } from './fake-websocket.ts';

const sockets: Array<{ close(): void }> = [];
beforeEach(() => FakeWebSocket.reset());
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** A feature in the shape of resume: offers an entry, answers before open, numbers what it sends. */
function recorder() {
  const seen: string[] = [];
  let release: ((extra?: OpenExtra) => void) | undefined;
  let sent = 0;
  const feature: AttemptFeature = {
    offer: (attempt: AttemptHandle) => [`example.resume.${attempt.role}`],
    opened: () => void seen.push('opened'),
    receive: (_attempt, data) => {
      if (typeof data !== 'string' || !data.startsWith('{"$":')) return data;
      seen.push(`control ${data}`);
      release?.({ session: 'resumed' });
      return undefined;
    },
    admit: (_attempt, proceed) => {
      seen.push('admit');
      release = proceed;
    },
    write: (attempt, frame) => attempt.send(`${++sent}:${String(frame)}`),
    ended: () => void seen.push('ended'),
  };
  return { seen, value: attemptFeature(feature) };
}

test('an attempt feature offers an entry, consumes control frames, holds open until its answer, wraps what is sent', async () => {
  const { seen, value } = recorder();
  const options = { WebSocket: FakeWebSocket, reconnect: FAST, auth: { via: subprotocol, token: 't' }, example: value };
  const socket = new AuthSocket('wss://api.example.com/ws', options);
  sockets.push(socket);
  const messages: unknown[] = [];
  socket.on('message', (msg) => messages.push(msg));
  socket.send({ type: 'queued' });
  const ws = await FakeWebSocket.nth(0);
  // (a) its entry comes last in the offer, after the app protocol and the token entry
  assert.equal(ws.protocols.at(-1), 'example.resume.live');
  assert.ok(ws.protocols.some((entry) => entry.startsWith('base64url.bearer.')));
  const open = nextEvent(socket, 'open');
  ws.open();
  // (d) open waits for the feature's answer
  assert.equal(socket.state, 'authenticating');
  assert.deepEqual(ws.sent, []);
  ws.receive('{"$":"session","status":"resumed"}');
  // (b) the control frame was consumed, (d) open carries what the feature added
  assert.deepEqual(await open, { session: 'resumed', attempt: 1 });
  assert.deepEqual(messages, []);
  ws.receive({ type: 'chat' });
  assert.deepEqual(messages, [{ type: 'chat' }]);
  // (c) app frames go out through the feature, in order
  socket.send({ type: 'live' });
  assert.deepEqual(ws.sent, ['1:{"type":"queued"}', '2:{"type":"live"}']);
  // (e) told when the attempt opened and ended
  ws.serverClose(1011, 'restart');
  assert.deepEqual(seen, ['opened', 'admit', 'control {"$":"session","status":"resumed"}', 'ended']);
});

test('a plain object is not taken for an attempt feature', async () => {
  const options = { WebSocket: FakeWebSocket, reconnect: FAST, auth: { via: subprotocol, token: 't' }, example: { offer: () => ['nope'] } };
  const socket = new AuthSocket('wss://api.example.com/ws', options);
  sockets.push(socket);
  const ws = await FakeWebSocket.nth(0);
  assert.ok(!ws.protocols.includes('nope'));
});
