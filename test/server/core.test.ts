// The runtime-neutral core on its own, as a Fetch-API adapter drives it: a
// request shape with a header getter, a socket with send/close/readyState,
// frames and the close fed in by the adapter. No Node server, no `ws`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AdmissionStage,
  AuthGateError,
  createGateCore,
  Forbidden,
  type FrameData,
  type GateOptions,
  type GateRequest,
  type SocketHandler,
  type UpgradeAccepted,
  type UpgradeDecision,
} from '../../src/server/index.ts';

const ORIGIN = 'https://app.example.test';
interface NativeRequest {
  id: number;
}

function request(parts: { url?: string; headers?: Record<string, string>; gone?: () => boolean } = {}): GateRequest<NativeRequest> {
  const headers: Record<string, string> = {
    upgrade: 'websocket',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'sec-websocket-version': '13',
    origin: ORIGIN,
    ...parts.headers,
  };
  return {
    method: 'GET',
    url: parts.url ?? '/live',
    header: (name) => headers[name],
    remoteAddress: '127.0.0.1',
    native: { id: 1 },
    ...(parts.gone ? { gone: parts.gone } : {}),
  };
}

/** A socket as a runtime gives it: the core closes it, the adapter reports the close. */
class FakeSocket {
  readyState = 1;
  readonly sent: string[] = [];
  readonly closes: Array<[number, string]> = [];
  readonly delivered: FrameData[] = [];
  handler: SocketHandler | undefined;
  send(data: string): void {
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    this.closes.push([code, reason]);
    this.readyState = 3;
    queueMicrotask(() => this.handler?.closed(code, reason));
  }
  /** A frame from the client, as the adapter hands it over: delivered when the core says so. */
  receive(data: string): void {
    if (this.handler!.message(data, false)) this.delivered.push(data);
  }
}

function core(options: Partial<GateOptions<string, NativeRequest>> = {}) {
  const calls: string[] = [];
  const gate = createGateCore<string, FakeSocket, NativeRequest>({
    origins: [ORIGIN],
    verify: (token) => {
      calls.push(token);
      if (token === 'banned') throw new Forbidden('banned');
      return token.startsWith('good') ? token.slice(0, 5) : null;
    },
    ...options,
  });
  return { gate, calls };
}

function open(decision: UpgradeDecision<FakeSocket>): FakeSocket {
  assert.equal(decision.kind, 'accept');
  const socket = new FakeSocket();
  socket.handler = (decision as UpgradeAccepted<FakeSocket>).open(socket, { deliver: (data) => socket.delivered.push(data) });
  return socket;
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

test('a foreign Origin is an HTTP 403 before verify; the refusal is emitted', async () => {
  const { gate, calls } = core();
  const refusals: unknown[] = [];
  gate.on('refused', (refusal) => refusals.push({ ...refusal }));
  const decision = await gate.upgrade(request({ url: '/live?access_token=good1', headers: { origin: 'https://evil.example' } }));
  assert.deepEqual(decision, { kind: 'refuse', status: 403, headers: {} });
  assert.deepEqual(calls, []);
  assert.deepEqual(refusals, [{ status: 403, reason: 'origin not allowed', origin: 'https://evil.example' }]);
});

test('verify runs before the upgrade; the accepted socket is admitted, with auth_ok first when ack is on', async () => {
  const { gate, calls } = core({ ack: true, protocols: ['chat.v1'] });
  const users: string[] = [];
  gate.on('connection', (socket, user) => {
    assert.deepEqual(socket.sent, ['{"type":"auth_ok"}']);
    users.push(user);
  });
  const decision = await gate.upgrade(request({ url: '/live?access_token=good1', headers: { 'sec-websocket-protocol': 'chat.v1' } }));
  assert.deepEqual(calls, ['good1']);
  assert.equal(decision.kind === 'accept' && decision.protocol, 'chat.v1');
  const socket = open(decision);
  assert.deepEqual(users, ['good1']);
  assert.equal(gate.sockets.has(socket), true);
  socket.receive('hello');
  assert.deepEqual(socket.delivered, ['hello']);
});

test('a refused credential is accepted at the HTTP level, then closed 4401; Forbidden closes 4403', async () => {
  const { gate } = core();
  const bad = open(await gate.upgrade(request({ url: '/live?access_token=nope' })));
  assert.deepEqual(bad.closes, [[4401, 'unauthorized']]);
  const banned = open(await gate.upgrade(request({ url: '/live?access_token=banned' })));
  assert.deepEqual(banned.closes, [[4403, 'banned']]);
  await settled();
  assert.equal(gate.sockets.size, 0);
});

test('never verify a request that is gone: not before verify, and its verdict is dropped when it left during verify', async () => {
  const { gate, calls } = core();
  assert.deepEqual(await gate.upgrade(request({ url: '/live?access_token=good1', gone: () => true })), { kind: 'gone' });
  assert.deepEqual(calls, []);

  let gone = false;
  const { gate: slow } = core({ verify: async (token) => { gone = true; return token; } });
  assert.deepEqual(await slow.upgrade(request({ url: '/live?access_token=good2', gone: () => gone })), { kind: 'gone' });
});

test('message carrier: the core takes the auth frame and frames sent during verify, answers auth_ok, then delivers them in order', async () => {
  let release!: () => void;
  const verifying = new Promise<void>((resolve) => (release = resolve));
  const { gate } = core({ verify: async (token) => (await verifying, token === 'good1' ? 'alice' : null) });
  const reauthenticated: string[] = [];
  gate.on('reauthenticated', (_socket, user) => reauthenticated.push(user));
  const socket = open(await gate.upgrade(request()));
  socket.receive(JSON.stringify({ type: 'auth', token: 'good1' }));
  socket.receive('early 1');
  socket.receive('early 2');
  assert.deepEqual(socket.delivered, []);
  release();
  await settled();
  assert.deepEqual(socket.sent, ['{"type":"auth_ok"}']);
  assert.deepEqual(socket.delivered, ['early 1', 'early 2']);
  // An in-place re-authentication is the core's too: never delivered to the app.
  socket.receive(JSON.stringify({ type: 'auth', token: 'good1' }));
  await settled();
  assert.deepEqual(socket.delivered, ['early 1', 'early 2']);
  assert.deepEqual(socket.sent, ['{"type":"auth_ok"}', '{"type":"auth_ok"}']);
  assert.deepEqual(reauthenticated, ['alice']);
});

test('an accepted upgrade holds its place in the pending pool until open or abandon', async () => {
  const { gate } = core({ limits: { pending: 1 } });
  const first = await gate.upgrade(request());            // message carrier: pending until its auth frame
  assert.equal(first.kind, 'accept');
  assert.equal((await gate.upgrade(request())).kind === 'refuse' && 503, 503);
  (first as UpgradeAccepted<FakeSocket>).abandon();
  assert.equal((await gate.upgrade(request())).kind, 'accept');
});

test('a listener that throws is reported on error and does not change the decision', async () => {
  const { gate } = core();
  const errors: unknown[] = [];
  const boom = new Error('listener bug');
  gate.on('refused', () => { throw boom; });
  gate.on('error', (error) => errors.push(error));
  const decision = await gate.upgrade(request({ headers: { origin: 'https://evil.example' } }));
  assert.equal(decision.kind === 'refuse' && decision.status, 403);
  assert.deepEqual(errors, [boom]);
});

test('a connection listener that throws: error event, socket closed 1011', async () => {
  const { gate } = core();
  const errors: unknown[] = [];
  gate.on('connection', () => { throw new Error('app bug'); });
  gate.on('error', (error) => errors.push(error));
  const socket = open(await gate.upgrade(request({ url: '/live?access_token=good1' })));
  assert.equal(errors.length, 1);
  assert.deepEqual(socket.closes, [[1011, 'internal error']]);
});

test('bad options throw AuthGateError INVALID_OPTION naming the option (still a TypeError)', () => {
  const verify = () => null;
  for (const [options, named] of [
    [{ origins: ['app.example.com'], verify }, 'origin'],
    [{ origins: [ORIGIN] }, '`verify`'],
    [{ origins: [ORIGIN], verify, limits: { pending: 0 } }, '`limits.pending`'],
    [{ origins: [ORIGIN], verify, path: 'live' }, '`path`'],
    [{ origins: [ORIGIN], verify, ack: 'yes' }, '`ack`'],
  ] as const) {
    assert.throws(() => createGateCore(options as never), (error: unknown) => {
      assert.ok(error instanceof AuthGateError);
      assert.ok(error instanceof TypeError);
      assert.equal(error.code, 'INVALID_OPTION');
      assert.match(error.message, new RegExp(`^createAuthGate: .*${named.replace(/[`.]/g, '\\$&')}`));
      return true;
    });
  }
});

test('close(): every open socket is closed 1001 and later upgrades are refused 503', async () => {
  const { gate } = core();
  const socket = open(await gate.upgrade(request({ url: '/live?access_token=good1' })));
  await gate.close();
  assert.deepEqual(socket.closes, [[1001, 'server closing']]);
  const after = await gate.upgrade(request({ url: '/live?access_token=good1' }));
  assert.equal(after.kind === 'refuse' && after.status, 503);
});

test('admission stages: check refuses before verify; admit replaces the socket in connection and filters frames; revocations and close reach them', async () => {
  const seen: string[] = [];
  const stage: AdmissionStage<string, FakeSocket, NativeRequest> = {
    check: (offered) => (offered.includes('bad.entry') ? { status: 400, reason: 'malformed stage entry' } : undefined),
    admit: async ({ key, offered }) => {
      seen.push(`admit ${key} ${offered.join(',')}`);
      return {
        connection: { socket: { session: true }, info: { session: 's1' } },
        message: (data) => data !== 'control',
        closed: (code) => seen.push(`closed ${code}`),
        revoked: (code) => seen.push(`socket revoked ${code}`),
      };
    },
    revoked: (key, code) => seen.push(`key revoked ${key} ${code}`),
    close: () => seen.push('stage closed'),
  };
  const calls: string[] = [];
  const gate = createGateCore<string, FakeSocket, NativeRequest>(
    { origins: [ORIGIN], verify: (token) => (calls.push(token), token) },
    { stages: [stage] },
  );
  const refused = await gate.upgrade(request({ url: '/live?access_token=alice', headers: { 'sec-websocket-protocol': 'authsocket, bad.entry' } }));
  assert.deepEqual(refused, { kind: 'refuse', status: 400, headers: {} });
  assert.deepEqual(calls, []);

  const connections: unknown[] = [];
  gate.on('connection', (socket, user, _req, info) => connections.push([socket, user, info]));
  const socket = open(await gate.upgrade(request({ url: '/live?access_token=alice', headers: { 'sec-websocket-protocol': 'authsocket, authsocket.resume' } })));
  socket.receive('early'); // while the stage admits: held, then delivered in order
  await settled();
  assert.deepEqual(connections, [[{ session: true }, 'alice', { session: 's1' }]]);
  assert.deepEqual(socket.delivered, ['early']);
  socket.receive('control');
  socket.receive('app');
  assert.deepEqual(socket.delivered, ['early', 'app']);
  assert.equal(await gate.revoke('alice'), 1);
  await settled();
  assert.deepEqual(seen, ['admit alice authsocket,authsocket.resume', 'key revoked alice 4403', 'socket revoked 4403', 'closed 4403']);
  await gate.close();
  assert.equal(seen.at(-1), 'stage closed');
});
