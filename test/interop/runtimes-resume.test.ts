// The gate's `resume` on the real runtimes (Bun.serve, Deno.serve, a Durable
// Object and a plain Worker on workerd), driven from Node by the authsocket
// client with `resume: true` on `ws`, through a TCP proxy that can cut the
// connection. Bun, Deno and the Durable Object: the first answer is `new`;
// numbered traffic both ways, the connection cut twice mid-stream (and, apart,
// `reconnect()` twice), the client back `resumed` each time, every number
// exactly once and in order both ways, one `connection` (one session socket)
// at the app; a session whose client stays away past `window` ends (1001) and
// its next request gets `lost`; a `connection` listener that throws ends it
// with 1011 (Bun runs `close` at once when the gate closes a socket during
// `open`); `close()` ends it (the app's session socket closes 1000, the next
// open is `new`). A plain Worker cannot keep a session: what the app
// scheduled while a connection was open (its stream) and the session's window
// end with that connection's request; the tests pin that limit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nextEvent, quietFor, untilState } from '../support/interop/client.ts';
import { ORIGIN } from '../support/server-gate.ts';
import type { AuthSocket } from '../../src/index.ts';
import { OriginWebSocket, TOKEN } from '../server/frameworks-vectors.ts';
import { assertExactlyOnceAcross, COUNT, range, report, resumeClient, streamReaches, traffic, type Msg } from '../server/resume-traffic.ts';
import { WireClient } from '../server/resume-wire.ts';
import { startCuttableProxy, type CuttableProxy } from './resume-python-rig.ts';
import { RESUME_WINDOW_MS } from './runtimes/app.ts';
import { requireRuntime, type RunningRuntime } from './runtimes/harness.ts';
import { TARGETS } from './runtimes/targets.ts';

for (const target of TARGETS) {
  describe(`resume on ${target.name}`, requireRuntime(target.runtime), () => {
    let runtime: RunningRuntime;
    let proxy: CuttableProxy;
    before(async () => {
      runtime = await target.start([ORIGIN]);
      proxy = await startCuttableProxy(runtime.port);
    });
    after(async () => {
      await proxy?.close();
      await runtime?.stop();
    });

    const url = (path: string) => `ws://127.0.0.1:${proxy.port}${target.prefix}${path}`;
    const client = () => resumeClient(url('/resume'), { WebSocket: OriginWebSocket, auth: { via: 'subprotocol', token: TOKEN } });
    const sessionLog = async () => (await (await fetch(`http://127.0.0.1:${runtime.port}${target.prefix}/sessions`)).json()) as Record<string, string[]>;
    /** The app's events of the sessions not in `known`, once `done` holds for them (polled, bounded: the app is another process). */
    async function newSessions(known: Record<string, string[]>, done: (logs: string[][]) => boolean = () => true, ms = 5_000): Promise<string[][]> {
      const deadline = Date.now() + ms;
      for (;;) {
        const logs = Object.entries(await sessionLog()).filter(([id]) => !(id in known)).map(([, events]) => events);
        if (done(logs)) return logs;
        if (Date.now() > deadline) assert.fail(`the app's session log ${JSON.stringify(logs)} after ${ms} ms`);
        await quietFor(50);
      }
    }

    if (target.outlivesRequest) {
      for (const [name, interrupt, events] of [
        ['the TCP connection cut', () => proxy.cut(), ['connection', 'suspended', 'resumed', 'suspended', 'resumed']],
        // Whether the old connection has closed when the new one arrives varies: `suspended` or not.
        ['reconnect()', (socket: AuthSocket<Msg, Msg>) => socket.reconnect(), undefined],
      ] as const) {
        test(`new; ${name} twice mid-stream: resumed, every number exactly once and in order both ways, one connection`, async () => {
          const known = await sessionLog();
          const { socket, sessions, stream } = client();
          try {
            await untilState(socket, 'open');
            await assertExactlyOnceAcross(socket, stream, [80, 180], () => interrupt(socket));
            assert.deepEqual(sessions, ['new', 'resumed', 'resumed']);
            const logs = await newSessions(known);
            assert.deepEqual(logs.map((log) => log.filter((event) => !/^(suspended|resumed)$/.test(event))), [['connection']], 'one session socket, one connection, not closed');
            if (events) assert.deepEqual(logs, [events]);
          } finally {
            socket.close();
          }
        });
      }

      test(`a client away longer than the window (${RESUME_WINDOW_MS} ms): the session ends 1001, its next request gets lost`, async () => {
        const known = await sessionLog();
        const wire = new WireClient(url('/resume-brief'), { token: TOKEN });
        assert.equal((await wire.connect()).status, 'new');
        proxy.cut();
        const [events] = await newSessions(known, ([log]) => log?.at(-1)?.startsWith('close') === true, RESUME_WINDOW_MS + 5_000);
        assert.deepEqual(events, ['connection', 'suspended', 'close 1001 session window passed']);
        assert.equal((await wire.connect()).status, 'lost');
        wire.end();
      });
    } else {
      test('a plain Worker keeps no session: the app\'s stream begun on the first connection stops at the cut; what the client sends still arrives once, in order', async () => {
        const { socket, sessions, stream } = client();
        try {
          await untilState(socket, 'open');
          const sent = traffic(socket);
          await streamReaches(socket, 80);
          proxy.cut();
          await sent;
          assert.deepEqual(await report(socket), range(COUNT), 'frames of the current connection reach the app');
          await quietFor(1_000); // the stream (every 4 ms) would be over by now
          assert.ok(stream.length < COUNT, `the stream stopped at ${stream.length}: its timer ended with the first connection's request`);
          assert.deepEqual(stream, range(stream.length), 'what did arrive came once, in order');
          assert.deepEqual(sessions, ['new', 'resumed']);
          socket.send({ type: 'echo' });
          await nextEvent<Msg>(socket, 'message', 5_000, (msg) => msg.type === 'echo'); // sent during the current request: it arrives
        } finally {
          socket.close();
        }
      });

      test(`a plain Worker: the session's window (${RESUME_WINDOW_MS} ms) never passes, the session resumes long after it`, async () => {
        const known = await sessionLog();
        const wire = new WireClient(url('/resume-brief'), { token: TOKEN });
        assert.equal((await wire.connect()).status, 'new');
        proxy.cut();
        await quietFor(3 * RESUME_WINDOW_MS);
        assert.deepEqual(await newSessions(known), [['connection', 'suspended']], 'no close: the window timer ended with the request');
        assert.equal((await wire.connect()).status, 'resumed');
        wire.end();
      });
    }

    test('a `connection` listener that throws: the connection closes 1011 and the session ends (its socket closes 1011 at the app)', async () => {
      const known = await sessionLog();
      const wire = new WireClient(url('/resume'), { token: 'carol' });
      assert.equal((await wire.connect()).status, 'new');
      assert.deepEqual(await wire.closed, { code: 1011, reason: 'internal error' });
      assert.deepEqual(await newSessions(known, ([log]) => log?.length === 2), [['connection', 'close 1011 internal error']]);
    });

    test('close() ends the session: the app\'s session socket closes 1000, the next open is new', async () => {
      const known = await sessionLog();
      const { socket, sessions } = client();
      try {
        await untilState(socket, 'open');
        socket.close();
        await untilState(socket, 'closed');
        socket.open();
        await untilState(socket, 'open');
        assert.deepEqual(sessions, ['new', 'new']);
        const logs = await newSessions(known, (found) => found.length === 2 && found[0]!.length === 2);
        assert.deepEqual(logs, [['connection', 'close 1000 '], ['connection']], 'the first session ended once, the second is another');
      } finally {
        socket.close();
      }
    });
  });
}
