// Two Bun gate processes (Bun.serve + authsocket/server/bun, the build) sharing
// sessions in a real redis-server through createRedisSessions on Bun's own
// RedisClient (resume-bun-redis-gate.ts), and the authsocket client with
// `resume: true` (on Node's `ws`) through a TCP proxy that sends each new
// connection to the other instance and can cut them. Every connection after the
// first moves the session: after a cut `open` says 'resumed', the instance left
// closes its session socket ('session moved') and the one reached emits
// `connection` with `moved`; with make-before-break (a credential refreshed
// mid-stream) the old connection is still open on the instance left, which
// closes it with 1001 'session moved' and the client switches without
// reconnecting. Every number of continuous traffic both ways arrives exactly
// once and in order. Redis is restarted (Bun's client must be made to subscribe
// again, see the gate script), and a move still closes the old connection. Then
// an instance is killed mid-stream (as resume-instances.test.ts does with two
// Node gates behind HAProxy).
// Needs the build (npm run build): the gates import dist/server/bun.js.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { untilState } from '../support/interop/client.ts';
import { start, type Child } from '../support/interop/processes.ts';
import { connectResp, REDIS_BIN } from '../support/server-redis.ts';
import { restartableRedis, type RestartableRedis } from '../support/server-redis-restart.ts';
import { ORIGIN } from '../support/server-gate.ts';
import { until } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';
import { requireTool } from '../support/tools.ts';
import { assertExactlyOnceAcross, assertKilledInstanceContinues, COUNT, range, recordRefreshes, report, resumeClient, shortLivedAuth, streamReaches, traffic } from '../server/resume-traffic.ts';
import { WireClient } from '../server/resume-wire.ts';
import { startCuttableProxy, type CuttableProxy } from './resume-python-rig.ts';
import { binary, requireRuntime } from './runtimes/harness.ts';

const GATE = fileURLToPath(new URL('./resume-bun-redis-gate.ts', import.meta.url));
const needs = { skip: requireRuntime('bun').skip ?? requireTool(REDIS_BIN, 'redis-server').skip };
const NAMES = ['A', 'B'] as const;

type Line = { instance: string; got?: number; connection?: string; moved?: boolean; close?: string; link?: string; code?: number; reason?: string; error?: string };

describe('resume across two Bun gate instances, sessions in Redis through Bun\'s RedisClient', needs, () => {
  let redis: RestartableRedis;
  let proxy: CuttableProxy;
  const gates: Child[] = [];
  const ports: number[] = [];
  const lines = (child: Child): Line[] => child.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  /** Each instance's lines after `mark` (one count per instance). */
  const since = (mark: number[]) => gates.flatMap((gate, i) => lines(gate).slice(mark[i]));
  const mark = () => gates.map((gate) => lines(gate).length);
  /** The instance the proxy's next connection reaches, and the one after. */
  const next = (ahead = 0) => NAMES[(proxy.accepted + ahead) % 2]!;

  before(async () => {
    redis = await restartableRedis();
    for (const name of NAMES) {
      const { child, line } = await start(binary('bun'), ['run', GATE, String(redis.port), name, ORIGIN], /^READY \d+$/, 20_000);
      gates.push(child);
      ports.push(Number(line.split(' ')[1]));
    }
    proxy = await startCuttableProxy(ports);
  });
  after(async () => {
    await proxy?.close();
    // Bounded: a gate that does not exit within 5 s of SIGTERM is killed.
    for (const gate of gates) await within(gate.stop(), 5_000, 'gate exit').catch(() => gate.process.kill('SIGKILL'));
    await redis?.kill();
  });

  const client = (options: Record<string, unknown> = {}) => resumeClient(`ws://127.0.0.1:${proxy.port}/`, options);
  const noErrors = (found: Line[]) => assert.deepEqual(found.filter((line) => line.error !== undefined), [], 'no store or gate errors');
  /**
   * Ends the client's session and waits (bounded) until its instance logged the end (after its
   * connection's): the next test's lines start clean. Quiet on failure (the test's own error counts).
   */
  const closeClient = async (socket: { close(): void }, before: number[]) => {
    socket.close();
    await until(() => since(before).some((line) => line.close !== undefined && line.code === 1000), 5_000, 'the session ended').catch(() => {});
  };

  test('a cut mid-stream, twice: the session moves to the other instance each time; every number exactly once and in order both ways', async () => {
    const before = mark();
    const [first, second] = [next(), next(1)];
    const { socket, sessions, stream } = client();
    try {
      await untilState(socket, 'open', 10_000);
      await assertExactlyOnceAcross(socket, stream, [80, 180], () => proxy.cut()); // the apps of both instances
      assert.deepEqual(sessions, ['new', 'resumed', 'resumed']);
      // The instances' stdout may trail what the client got: wait (bounded) until it has every line expected.
      const count = (what: keyof Line) => since(before).filter((line) => line[what] !== undefined).length;
      await until(() => count('connection') >= 3 && count('close') >= 2 && count('got') >= COUNT, 5_000, 'the instances\' logs').catch(() => {});
      const found = since(before);
      const connections = found.filter((line) => line.connection !== undefined);
      assert.equal(connections.length, 3, 'connection once per arrival on an instance');
      assert.deepEqual(connections.map(({ instance, moved }) => `${instance} ${moved}`).sort(), [`${first} false`, `${first} true`, `${second} true`].sort(),
        `${first}, then ${second} (moved), then ${first} again (moved)`);
      const moves = found.filter((line) => line.close !== undefined);
      assert.deepEqual(moves.map(({ instance, code, reason }) => `${instance} ${code} ${reason}`).sort(), [`${first} 1001 session moved`, `${second} 1001 session moved`].sort(),
        'each instance left behind closed its session socket');
      // Every number the client sent reached exactly one app, once (the order is the report's).
      const got = found.filter((line) => line.got !== undefined).map((line) => line.got!);
      assert.deepEqual(got.sort((a, b) => a - b), range(COUNT));
      noErrors(found);
    } finally {
      await closeClient(socket, before);
    }
  });

  test('make-before-break refreshes mid-stream: each new connection takes the session on the other instance, which closes the old one with 1001 session moved; the client switches, never reconnects', async () => {
    const before = mark();
    const accepted = proxy.accepted;
    const { socket, sessions, stream } = client({ auth: shortLivedAuth('good') });
    const { switches, errors } = recordRefreshes(socket);
    try {
      await untilState(socket, 'open', 10_000);
      await traffic(socket, 8); // 2.4 s: four or five switches
      if (stream.length < COUNT) await streamReaches(socket, COUNT);
      assert.deepEqual(await report(socket), range(COUNT), 'the app got every number once, in order');
      assert.deepEqual(stream, range(COUNT), 'the client got every number once, in order');
      assert.ok(switches.length >= 2, `switched ${switches.length} times; errors: ${errors.join(' | ')}`);
      assert.deepEqual(sessions, ['new'], `reconnected ${sessions.length - 1} times; errors: ${errors.join(' | ') || 'none'}`);
      assert.equal(proxy.accepted - accepted, switches.length + 1, 'one connection per switch, nothing else');
      // The old connection was still open: the instance left closed it (1001 session moved) and its session socket.
      const closedLinks = () => since(before).filter((line) => line.link !== undefined);
      await until(() => closedLinks().length >= switches.length, 5_000, `every old connection closed on its instance: ${JSON.stringify(closedLinks())}`);
      assert.deepEqual(closedLinks().map(({ code, reason }) => `${code} ${reason}`), switches.map(() => '1001 session moved'), 'what Bun\'s `close` handler got for each old connection');
      await until(() => since(before).filter((line) => line.close !== undefined).length >= switches.length, 5_000, 'the session sockets\' closes logged').catch(() => {});
      const found = since(before);
      const moves = found.filter((line) => line.close !== undefined);
      assert.deepEqual(moves.map(({ code, reason }) => `${code} ${reason}`), switches.map(() => '1001 session moved'), 'one session socket closed per move');
      const connections = found.filter((line) => line.connection !== undefined);
      assert.deepEqual(connections.map((line) => line.moved).sort(), [false, ...switches.map(() => true)], 'connection once per instance reached, moved after the first');
      noErrors(found);
    } finally {
      await closeClient(socket, before);
    }
  });

  /** A WireClient's session on A, continued through B while its connection to A is still open. */
  async function moveWithOldConnectionOpen() {
    const [a, b] = [0, 1].map((i) => `ws://127.0.0.1:${ports[i]}/`);
    const before = mark();
    const onA = new WireClient(a!, { ackWithin: false });
    const { id } = await onA.connect();
    const order: string[] = [];
    const oldClosed = onA.closed!.then(({ code, reason }) => order.push(`old connection ${code} ${reason}`));
    const onB = Object.assign(new WireClient(b!, { ackWithin: false }), { session: id });
    const answer = await onB.connect();
    order.push(`B answered ${answer.status}`);
    await within(oldClosed, 5_000, 'the old connection closes');
    assert.deepEqual(answer, { $: 'session', id, status: 'resumed', received: 0 });
    assert.ok(order.includes('old connection 1001 session moved'), order.join(' | '));
    // A's session socket closed (moved), B's emitted connection with moved. Their stdout may trail
    // what the client got on its sockets: wait (bounded) for both lines.
    await until(() => since(before).some((line) => line.close === id) && since(before).filter((line) => line.connection === id).length === 2,
      5_000, 'A\'s close and B\'s connection logged');
    const found = since(before);
    assert.deepEqual(found.filter((line) => line.close === id).map(({ instance, code, reason }) => `${instance} ${code} ${reason}`), ['A 1001 session moved']);
    assert.deepEqual(found.filter((line) => line.connection === id).map(({ instance, moved }) => `${instance} ${moved}`), ['A false', 'B true']);
    onB.end();
    await until(() => since(before).some((line) => line.instance === 'B' && line.close === id), 5_000, 'B ends the session');
    const check = await connectResp(redis.port);
    try {
      assert.deepEqual(await check.command(['KEYS', `authsocket:session:${id}*`]), [], 'the end deleted the session from Redis');
    } finally {
      check.close();
    }
  }

  test('the old connection still open on one instance: it closes its session socket before the other answers; the old connection gets 1001 session moved', moveWithOldConnectionOpen);

  test('after a Redis restart both instances subscribe again (as the gate script wires Bun\'s client): a move still closes the old connection with 1001 session moved', async () => {
    await redis.kill();
    await redis.start();
    // Each instance's store listens on two channels (move, moved): wait (bounded) until all four are back.
    const check = await connectResp(redis.port);
    try {
      const deadline = Date.now() + 10_000;
      let channels: string[] = [];
      while ((channels = (await check.command(['PUBSUB', 'CHANNELS', 'authsocket:session:*'])) as string[]).length < 4) {
        if (Date.now() > deadline) assert.fail(`subscribed again after the restart: ${JSON.stringify(channels)} after 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      check.close();
    }
    await moveWithOldConnectionOpen();
  });

  test('an instance killed mid-stream: the session continues on the other one; what is delivered again is measured', async () => {
    const before = mark();
    const running = client();
    try {
      await assertKilledInstanceContinues(running, () => {
        const serving = since(before).find((line) => line.connection !== undefined)!.instance;
        gates[serving === 'A' ? 0 : 1]!.process.kill('SIGKILL');
        return serving;
      }, () => since(before).filter((line) => line.got !== undefined).map((line) => line.got!));
    } finally {
      await closeClient(running.socket, before);
    }
  });
});
