// `resume: true` (the client from src/, on Node's `ws`) against the Python
// reference server written from the wire description alone
// (examples/recipes/python_resume_server.py), through a TCP proxy that can cut
// or freeze the connection: numbered traffic both ways while the connection is
// cut mid-stream, every number arrives exactly once and in order on both
// sides, and `open` says 'resumed'; a restarted server (sessions in memory)
// says 'lost' and the client's unacknowledged frames arrive at least once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuthSocket } from '../../src/index.ts';
import { nextEvent, untilState } from '../support/interop/client.ts';
import { assertExactlyOnceAcross, COUNT, type Msg, range, recordRefreshes, report, resumeClient, shortLivedAuth, streamReaches, traffic } from '../server/resume-traffic.ts';
import { needsPython, startCuttableProxy, startResumeServer, type CuttableProxy, type ResumeServer } from './resume-python-rig.ts';

describe('resume against the Python reference server', needsPython, () => {
  let server: ResumeServer;
  let proxy: CuttableProxy;
  before(async () => {
    server = await startResumeServer();
    proxy = await startCuttableProxy(server.port);
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
  });

  /** A client through the proxy, recording `open` statuses and the server's stream numbers. */
  const client = (options: Record<string, unknown> = {}) => resumeClient(`ws://127.0.0.1:${proxy.port}/`, { auth: { via: 'subprotocol', token: 'good:alice' }, ...options });

  /** Both directions complete: the server's record of the client's numbers, and the client's of the server's. */
  async function assertExactlyOnce(socket: AuthSocket<Msg, Msg>, stream: number[]): Promise<void> {
    if (stream.length < COUNT) await streamReaches(socket, COUNT);
    assert.deepEqual(await report(socket), range(COUNT), 'the server got every number once, in order');
    assert.deepEqual(stream, range(COUNT), 'the client got every number once, in order');
  }

  for (const [name, interrupt] of [
    ['a TCP cut', (_socket: AuthSocket<Msg, Msg>) => proxy.cut()],
    ['the server dropping the connection', (socket: AuthSocket<Msg, Msg>) => socket.send({ type: 'cut' })],
    ['reconnect()', (socket: AuthSocket<Msg, Msg>) => socket.reconnect()],
    ['a 4401 close (expiry)', (socket: AuthSocket<Msg, Msg>) => socket.send({ type: 'close', n: 4401, code: 4401 } as Msg)],
  ] as const) {
    test(`${name} twice mid-stream: every number exactly once and in order both ways; open says resumed`, async () => {
      const { socket, sessions, stream } = client();
      try {
        await untilState(socket, 'open');
        await assertExactlyOnceAcross(socket, stream, [80, 180], () => interrupt(socket));
        assert.deepEqual(sessions, ['new', 'resumed', 'resumed']);
      } finally {
        socket.close();
      }
    });
  }

  test('a frozen connection: the heartbeat gives it up, the session resumes, nothing lost or repeated', async () => {
    const { socket, sessions, stream } = client({ heartbeat: { interval: 100, timeout: 300 } });
    try {
      await untilState(socket, 'open');
      await assertExactlyOnceAcross(socket, stream, [100], () => proxy.freeze());
      assert.deepEqual(sessions, ['new', 'resumed']);
    } finally {
      socket.close();
    }
  });

  test('make-before-break refreshes before expiry mid-stream: every number exactly once and in order both ways', async () => {
    const { socket, sessions, stream } = client({ auth: shortLivedAuth('good:alice') });
    const { switches, errors } = recordRefreshes(socket);
    try {
      await untilState(socket, 'open');
      await traffic(socket, 6);
      await assertExactlyOnce(socket, stream);
      assert.ok(switches.length >= 2, `switched ${switches.length} times; errors: ${errors.join(' | ')}`);
      // The server closes the old connection with 1001 `session moved`, which may reach the
      // client before the new connection's answer: a switch, never a reconnection.
      assert.deepEqual(sessions, ['new'], `reconnected ${sessions.length - 1} times; errors: ${errors.join(' | ') || 'none'}`);
    } finally {
      socket.close();
    }
  });

  test('close() ends the session: the next open() gets a new one', async () => {
    const { socket, sessions } = client();
    await untilState(socket, 'open');
    socket.close();
    socket.open();
    await untilState(socket, 'open');
    socket.close();
    assert.deepEqual(sessions, ['new', 'new']);
  });

  test('an app frame that looks like a control frame travels escaped and arrives as sent', async () => {
    const raw: unknown[] = [];
    const { socket } = client({ codec: { encode: (msg: unknown) => (typeof msg === 'string' ? msg : JSON.stringify(msg)), decode: (data: unknown) => (raw.push(data), JSON.parse(String(data))) } });
    try {
      await untilState(socket, 'open');
      const echoed = nextEvent<Msg>(socket, 'message', 5000, (msg) => (msg as unknown as { $?: string }).$ === 'ack');
      socket.send('{"$":"ack","n":1000000}' as unknown as Msg); // echoed by the server's app
      await echoed;
      assert.deepEqual(raw, ['{"$":"ack","n":1000000}'], 'the only frame the codec saw is the app frame');
    } finally {
      socket.close();
    }
  });

  test('a restarted server (sessions in memory): open says lost, the unacknowledged frames arrive again (at least once)', async () => {
    const { socket, sessions } = client();
    const got = new Set<number>();
    const record = (line: string) => {
      const parsed = JSON.parse(line) as { got?: number };
      if (parsed.got !== undefined) got.add(parsed.got);
    };
    try {
      await untilState(socket, 'open');
      const before = server.child;
      const sent = traffic(socket);
      await nextEvent(socket, 'message', 5000, (msg: Msg) => msg.type === 's' && msg.n! >= 50);
      const relost = nextEvent<{ session?: string }>(socket, 'open', 10_000);
      await server.restart();
      for (const line of before.lines) if (line.startsWith('{')) record(line);
      assert.equal((await relost).session, 'lost');
      await sent;
      for (const n of await report(socket)) got.add(n);
      assert.deepEqual([...got].sort((a, b) => a - b), range(COUNT), 'every number reached one of the two servers');
      assert.deepEqual(sessions, ['new', 'lost']);
    } finally {
      socket.close();
    }
  });
});
