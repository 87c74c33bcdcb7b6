// The authsocket client with `resume: true` (src/, on Node's `ws`) against the
// gate with `resume`, through a TCP proxy that can cut the connection:
// numbered traffic both ways, the connection interrupted mid-stream, every
// number exactly once and in order on both sides, `open` says 'resumed'; a
// restarted gate (sessions in memory) says 'lost' and the client's
// unacknowledged frames arrive at least once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { AuthSocket } from '../../src/index.ts';
import { nextEvent, untilState } from '../support/interop/client.ts';
import { until } from '../support/server-socket.ts';
import { startCuttableProxy, type CuttableProxy } from '../interop/resume-python-rig.ts';
import { memoryAppState, serveSession, type AppState } from './resume-app.ts';
import { assertExactlyOnceAcross, COUNT, range, report, resumeClient, streamReaches, traffic, type Msg } from './resume-traffic.ts';
import { startResumeGate, type ResumeGate } from './resume-wire.ts';

const FAST = { minDelay: 20, maxDelay: 100 };
const anyOrigin = { origins: () => true };

describe('resume: the authsocket client against the gate', () => {
  let g: ResumeGate;
  let proxy: CuttableProxy;
  let state: AppState;
  const start = (port = 0, options = {}) => {
    state = memoryAppState();
    return startResumeGate({ ...anyOrigin, ...options }, port, (socket, { session, moved }) => serveSession(socket, session, state, !!moved));
  };
  before(async () => {
    g = await start();
    proxy = await startCuttableProxy(g.port);
  });
  after(async () => {
    await proxy?.close();
    await g?.close();
  });

  const client = (options: Record<string, unknown> = {}) => resumeClient(`ws://127.0.0.1:${proxy.port}/`, options);

  for (const [name, interrupt] of [
    ['a TCP cut', () => proxy.cut()],
    ['reconnect()', (socket: AuthSocket<Msg, Msg>) => socket.reconnect()],
  ] as const) {
    test(`${name} twice mid-stream: every number exactly once and in order both ways; open says resumed`, async () => {
      const { socket, sessions, stream } = client();
      try {
        await untilState(socket, 'open');
        await assertExactlyOnceAcross(socket, stream, [80, 180], () => interrupt(socket));
        assert.deepEqual(sessions, ['new', 'resumed', 'resumed']);
        assert.equal(g.connections, g.sessions.size, 'connection once per session');
      } finally {
        socket.close();
      }
    });
  }

  test('a frozen connection: the heartbeat gives it up, the gate drops the old one, nothing lost or repeated', async () => {
    const { socket, sessions, stream } = client({ heartbeat: { interval: 100, timeout: 300 } });
    try {
      await untilState(socket, 'open');
      await assertExactlyOnceAcross(socket, stream, [100], () => proxy.freeze());
      assert.deepEqual(sessions, ['new', 'resumed']);
    } finally {
      socket.close();
    }
  });

  test('close() ends the session on the gate (close fires once): the next open() gets a new one', async () => {
    const { socket, sessions } = client();
    await untilState(socket, 'open');
    const [id] = [...g.sessions.keys()].slice(-1);
    socket.close();
    socket.open();
    await untilState(socket, 'open');
    socket.close();
    assert.deepEqual(sessions, ['new', 'new']);
    const ended = g.sessions.get(id!)!;
    await until(() => ended.events.length === 2, 3_000, 'session close');
    assert.deepEqual(ended.events, ['connection', 'close 1000 ']);
  });

  test('a restarted gate (sessions in memory): open says lost, the unacknowledged frames arrive again (at least once)', async () => {
    const { socket, sessions } = client();
    try {
      await untilState(socket, 'open');
      const [oldGate, oldState] = [g, state];
      const sent = traffic(socket);
      await streamReaches(socket, 50);
      const relost = nextEvent<{ session?: string }>(socket, 'open', 10_000);
      await oldGate.close();
      g = await start(oldGate.port);
      assert.equal((await relost).session, 'lost');
      await sent;
      const got = new Set(await report(socket));
      const before = (await Promise.all([...oldGate.sessions.keys()].map((id) => oldState.report(id)))).flat();
      for (const n of before) got.add(n);
      assert.deepEqual([...got].sort((a, b) => a - b), range(COUNT), 'every number reached one of the two gates');
      assert.deepEqual(sessions, ['new', 'lost']);
    } finally {
      socket.close();
    }
  });
});

describe('resume: the credential expires mid-stream (4401)', () => {
  let g: ResumeGate;
  let state: AppState;
  before(async () => {
    state = memoryAppState();
    // Every connection's credential lasts 700 ms: the gate closes with 4401, the client comes back with a fresh one.
    g = await startResumeGate({ ...anyOrigin, expiresAt: () => Date.now() + 700 }, 0, (socket, { session, moved }) => serveSession(socket, session, state, !!moved));
  });
  after(() => g?.close());

  test('every number exactly once and in order both ways across 4401 closes; open says resumed', async () => {
    const socket = new AuthSocket<Msg, Msg>(`ws://127.0.0.1:${g.port}/`, {
      WebSocket: WebSocket as never,
      auth: { via: 'subprotocol', token: async () => `good`, refresh: 'reconnect' } as never,
      resume: true,
      reconnect: FAST,
    });
    const sessions: string[] = [];
    const stream: number[] = [];
    socket.on('open', ({ session }) => sessions.push(session!));
    socket.on('message', (msg) => msg.type === 's' && stream.push(msg.n!));
    try {
      await untilState(socket, 'open');
      socket.send({ type: 'stream', count: COUNT, every: 6 } as Msg);
      for (let n = 1; n <= COUNT; n++) {
        socket.send({ type: 'n', n });
        await new Promise((resolve) => setTimeout(resolve, 6));
      }
      await nextEvent<Msg>(socket, 'message', 15_000, (msg) => msg.type === 's' && msg.n! >= COUNT).catch(() => undefined);
      assert.deepEqual(await report(socket), range(COUNT));
      assert.deepEqual(stream, range(COUNT));
      assert.ok(sessions.length >= 2 && sessions.slice(1).every((s) => s === 'resumed'), `sessions ${sessions}`);
      assert.equal(g.sessions.size, 1, 'one session, one connection event');
    } finally {
      socket.close();
    }
  });
});
