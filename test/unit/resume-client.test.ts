// `resume: true` in the client, on the fake WebSocket playing the gate: the
// request in the upgrade, `open` only after the gate's session frame (with its
// status), control frames never delivered whatever the codec, the kept frames
// sent again after a drop, the queue bound shared with them, `end` on close().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useClients, type Msg } from './client-harness.ts';
import { FakeWebSocket, nextEvent, recordEvents } from './fake-websocket.ts';

const { create, freshToken } = useClients();
const ID = 'AbCdEfGhIjKlMnOpQrStUv';
const answer = (status: string, received = 0, id = ID) => JSON.stringify({ $: 'session', id, status, received });

test('the request rides last in the upgrade; open waits for the answer and carries its status', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, resume: true });
  const log = recordEvents(socket);
  socket.send({ type: 'early' });
  const ws = await FakeWebSocket.nth(0);
  assert.equal(ws.protocols[0], 'authsocket');
  assert.match(ws.protocols[1]!, /^base64url\.bearer\./);
  assert.equal(ws.protocols[2], 'authsocket.resume');
  ws.open();
  assert.equal(socket.state, 'authenticating');
  assert.deepEqual(ws.sent, [], 'nothing counted goes out before the answer');
  ws.receive(answer('new'));
  assert.equal(socket.state, 'open');
  assert.deepEqual(log.filter(([type]) => type === 'open').map(([, p]) => p), [{ attempt: 1, session: 'new' }]);
  assert.deepEqual(ws.sentMessages, [{ type: 'early' }]);
  assert.equal(log.some(([type]) => type === 'message'), false, 'the answer is no message');
});

test('query carrier without app protocols offers authsocket, then the request', async () => {
  create({ auth: { via: 'query', token: freshToken }, resume: true });
  const ws = await FakeWebSocket.nth(0);
  assert.deepEqual(ws.protocols, ['authsocket', 'authsocket.resume']);
});

test('with auth.ack: auth_ok first, then the answer; open after both', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken, ack: true }, resume: true });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.receive({ type: 'auth_ok' });
  assert.equal(socket.state, 'authenticating');
  ws.receive(answer('new'));
  assert.equal(socket.state, 'open');
});

test('control frames never reach message listeners, whatever the codec; an escaped app frame does', async () => {
  const seen: unknown[] = [];
  const socket = create({
    auth: { via: 'subprotocol', token: freshToken },
    resume: true,
    codec: { encode: (msg: Msg) => JSON.stringify(msg), decode: (data) => ({ type: 'raw', data }) as Msg },
  });
  socket.on('message', (msg) => seen.push(msg.data));
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.receive(answer('new'));
  ws.receive('{"$":"ack","n":0}');
  ws.receive('{"$":"ask"}');
  ws.receive(JSON.stringify({ $: 'msg', d: '{"$":"ask"}' }));
  ws.receive('plain');
  assert.deepEqual(seen, ['{"$":"ask"}', 'plain']);
  assert.deepEqual(ws.sent, [], 'ask with nothing unacknowledged sends no ack');
});

test('a drop: the next connection continues the session; the kept frames the gate lacks go again, then the queue', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, resume: true });
  const first = await FakeWebSocket.nth(0);
  first.open();
  first.receive(answer('new'));
  first.receive({ type: 'n', n: 1 });
  first.receive({ type: 'n', n: 2 });
  for (let i = 1; i <= 3; i++) socket.send({ type: 'up', i });
  first.fail();
  socket.send({ type: 'up', i: 4 }); // queued while reconnecting
  const second = await FakeWebSocket.nth(1);
  assert.equal(second.protocols.at(-1), `authsocket.resume.${ID}.2`);
  second.open();
  const opened = nextEvent(socket, 'open');
  second.receive(answer('resumed', 1));
  assert.deepEqual(await opened, { attempt: 2, session: 'resumed' });
  assert.deepEqual(second.sentMessages, [{ type: 'up', i: 2 }, { type: 'up', i: 3 }, { type: 'up', i: 4 }]);
});

test('the kept frames count against queue.max: QUEUE_FULL until the gate acknowledges', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, resume: true, queue: { max: 4 } });
  const ws = await FakeWebSocket.nth(0);
  ws.open();
  ws.receive(answer('new'));
  for (let i = 1; i <= 4; i++) socket.send({ type: 'up', i });
  assert.throws(() => socket.send({ type: 'up', i: 5 }), { code: 'QUEUE_FULL' });
  assert.ok(ws.sent.includes('{"$":"ask"}'), 'asked for the ack at half of queue.max');
  ws.receive('{"$":"ack","n":4}');
  socket.send({ type: 'up', i: 5 });
});

test('close(): {"$":"end"} just before the close frame; open() afterwards starts a new session', async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, resume: true });
  const first = await FakeWebSocket.nth(0);
  first.open();
  first.receive(answer('new'));
  socket.close();
  assert.equal(first.sent.at(-1), '{"$":"end"}');
  assert.equal(first.closeCalls.length, 1);
  socket.open();
  const second = await FakeWebSocket.nth(1);
  assert.equal(second.protocols.at(-1), 'authsocket.resume');
});

test("authsocket/lite: resume(true) turns it on; a plain resume: true is INVALID_OPTIONS, not silently off", async () => {
  const { AuthSocket: Lite, resume, subprotocol } = await import('../../src/lite.ts');
  assert.throws(() => new Lite('wss://api.example.com/ws', { WebSocket: FakeWebSocket, auth: { via: subprotocol, token: 't' }, resume: true as never }), { code: 'INVALID_OPTIONS' });
  const socket = new Lite('wss://api.example.com/ws', { WebSocket: FakeWebSocket, auth: { via: subprotocol, token: 't' }, resume: resume(true) });
  try {
    const ws = await FakeWebSocket.nth(0);
    assert.equal(ws.protocols.at(-1), 'authsocket.resume');
  } finally {
    socket.close();
  }
});

// The gate closes the old connection (1001 'session moved') before it answers
// the make-before-break candidate; on two sockets that close may arrive first.
test("make-before-break: the old connection's 1001 'session moved' before the candidate's answer is a switch, not a drop", async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, resume: true });
  const log = recordEvents(socket);
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive(answer('new'));
  old.receive({ type: 'n', n: 1 });
  const done = socket.reauthenticate();
  const candidate = await FakeWebSocket.nth(1);
  assert.equal(candidate.protocols.at(-1), `authsocket.resume.${ID}.1`);
  candidate.open();
  old.serverClose(1001, 'session moved');
  assert.equal(socket.state, 'open', 'no drop while the answer is on its way');
  socket.send({ type: 'up', i: 1 }); // waits for the candidate
  candidate.receive(answer('resumed', 0));
  await done;
  assert.deepEqual(candidate.sentMessages, [{ type: 'up', i: 1 }]);
  assert.deepEqual(log.map(([type]) => type).filter((type) => type !== 'message' && type !== 'state'), ['connecting', 'open', 'reauthenticated']);
  await new Promise((resolve) => setTimeout(resolve, 50)); // nothing else follows (no reconnect)
  assert.equal(FakeWebSocket.instances.length, 2);
});

test("make-before-break: a candidate that fails after the old connection's 'session moved' reconnects once", async () => {
  const socket = create({ auth: { via: 'subprotocol', token: freshToken }, resume: true });
  const log = recordEvents(socket);
  const old = await FakeWebSocket.nth(0);
  old.open();
  old.receive(answer('new'));
  const done = socket.reauthenticate();
  const candidate = await FakeWebSocket.nth(1);
  candidate.open();
  old.serverClose(1001, 'session moved');
  candidate.fail();
  await assert.rejects(done, { code: 'CONNECTION_FAILED' });
  assert.deepEqual(log.filter(([type]) => type === 'close').map(([, p]) => [p.code, p.willReconnect]), [[1001, true]]);
  const next = await FakeWebSocket.nth(2);
  assert.equal(next.protocols.at(-1), `authsocket.resume.${ID}.0`);
  next.open();
  next.receive(answer('resumed', 0));
  assert.equal(socket.state, 'open');
});
