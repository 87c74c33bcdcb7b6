// In-place re-authentication through the gate (the client's `refresh: 'in-place'`):
// later auth frames on a message-carrier socket are answered by the gate and
// never reach the app's message listeners.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { ORIGIN, startGate, type TestGate } from '../support/server-gate.ts';
import { within } from '../support/server-timeout.ts';

let g: TestGate<string>;
const renewed: string[] = [];
before(async () => {
  g = await startGate({ verify: async (token) => (token.startsWith('good') ? 'alice' : null) });
  g.gate.on('reauthenticated', (_socket, user) => renewed.push(user));
});
after(() => g.close());

/** A message-carrier client: its frames in, and a way to wait for the next one. */
async function messageClient() {
  const ws = new WebSocket(g.url(), { origin: ORIGIN });
  const inbox: unknown[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    inbox.push(JSON.parse(data.toString()));
    waiters.splice(0).forEach((wake) => wake());
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await within(new Promise((resolve) => ws.on('open', resolve)), 3000, 'open');
  const next = (count: number) => within(new Promise<void>((resolve) => {
    const check = () => (inbox.length >= count ? resolve() : waiters.push(check));
    check();
  }), 3000, `${count} messages`);
  return { ws, inbox, next, closed };
}

test('a new auth frame on the live socket: auth_ok, a reauthenticated event, and the app never sees the frame', async () => {
  const client = await messageClient();
  client.ws.send(JSON.stringify({ type: 'auth', token: 'good-1' }));
  await client.next(2); // auth_ok, welcome
  assert.deepEqual(client.inbox, [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }]);
  client.ws.send(JSON.stringify({ type: 'auth', token: 'good-2' }));
  client.ws.send('{"type":"chat"}');
  await client.next(4);
  // The test app echoes every frame it sees: only the chat frame came back. (The
  // app keeps serving while verify runs: the old credential is still valid.)
  assert.deepEqual(
    new Set(client.inbox.slice(2).map((msg) => JSON.stringify(msg))),
    new Set([JSON.stringify({ type: 'auth_ok' }), JSON.stringify({ type: 'echo', data: '{"type":"chat"}' })]),
  );
  assert.deepEqual(renewed, ['alice']);
  assert.deepEqual(g.verified.slice(-2), ['good-1', 'good-2']);
  client.ws.close();
});

test('a refused re-authentication: auth_error, then close 4401', async () => {
  const client = await messageClient();
  client.ws.send(JSON.stringify({ type: 'auth', token: 'good-1' }));
  await client.next(2);
  client.ws.send(JSON.stringify({ type: 'auth', token: 'expired' }));
  assert.equal(await within(client.closed, 3000, 'close'), 4401);
  assert.deepEqual(client.inbox.at(-1), { type: 'auth_error' });
});

test('frames that merely mention "auth" are application frames', async () => {
  const client = await messageClient();
  client.ws.send(JSON.stringify({ type: 'auth', token: 'good-1' }));
  await client.next(2);
  client.ws.send('{"type":"chat","text":"\\"auth\\" is a word"}');
  await client.next(3);
  assert.equal((client.inbox[2] as { type: string }).type, 'echo');
  client.ws.close();
});

test('one parser for auth frames: an escaped "\\u0061uth" re-authenticates, as it would authenticate a first frame', async () => {
  const client = await messageClient();
  client.ws.send('{"type":"\\u0061uth","token":"good-1"}');
  await client.next(2);
  assert.deepEqual(client.inbox.slice(0, 2), [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }]);
  client.ws.send('{"type":"\\u0061uth","token":"good-2"}');
  await client.next(3);
  assert.deepEqual(client.inbox[2], { type: 'auth_ok' }, 'answered by the gate, not echoed by the app');
  client.ws.close();
});

test('an app frame with type "auth" but no token reaches the app; one with a token is a re-authentication', async () => {
  const client = await messageClient();
  client.ws.send(JSON.stringify({ type: 'auth', token: 'good-1' }));
  await client.next(2);
  client.ws.send('{"type":"auth","action":"logout"}');
  await client.next(3);
  assert.deepEqual(client.inbox[2], { type: 'echo', data: '{"type":"auth","action":"logout"}' });
  client.ws.close();
});

test('re-authentications are counted in limits.pending: beyond it 1013, the verify is not called', async () => {
  let release = () => {};
  const gate = await startGate({
    limits: { pending: 2 },
    verify: async (token) => {
      if (token === 'slow') await new Promise<void>((resolve) => { release = resolve; });
      return 'alice';
    },
  });
  try {
    const clients = [];
    for (let i = 0; i < 3; i++) {
      const ws = new WebSocket(gate.url(), { origin: ORIGIN });
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: 'good' })));
      await within(new Promise((resolve) => ws.once('message', resolve)), 3000, 'auth_ok');
      clients.push({ ws, closed });
    }
    const releases: Array<() => void> = [];
    for (const client of clients.slice(0, 2)) {
      const calls = gate.verified.length;
      client.ws.send(JSON.stringify({ type: 'auth', token: 'slow' }));
      await within((async () => { while (gate.verified.length === calls) await new Promise((r) => setTimeout(r, 5)); })(), 3000, 'verify running');
      releases.push(release);
    }
    const before = gate.verified.length;
    clients[2]!.ws.send(JSON.stringify({ type: 'auth', token: 'slow' }));
    assert.equal(await within(clients[2]!.closed, 3000, 'refused'), 1013);
    assert.equal(gate.verified.length, before, 'no third verify while two run');
    for (const done of releases) done();
  } finally {
    release();
    await gate.close();
  }
});
