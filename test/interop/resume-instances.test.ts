// Two gate processes behind a real HAProxy (round-robin), sharing sessions in a
// real redis-server (createRedisSessions), and the authsocket client with
// `resume: true` (on Node's `ws`) through a TCP proxy that can cut its
// connection. Every new connection lands on the other instance, so each cut
// moves the session: `open` says 'resumed', the instance it left closes its
// session socket, the one it reaches emits `connection` with `moved`, and every
// number of continuous traffic both ways arrives exactly once and in order.
// Then an instance is killed mid-stream, and what is delivered again is
// measured (docs/resume.md, "The gate", says what to expect).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { AuthSocket } from '../../src/index.ts';
import { nextEvent, untilState } from '../support/interop/client.ts';
import { start, type Child } from '../support/interop/processes.ts';
import { HAPROXY_BIN, startHaproxy, type LoadBalancer } from '../support/load-balancer.ts';
import { REDIS_BIN, startRedis, type TestRedis } from '../support/server-redis.ts';
import { requireTool } from '../support/tools.ts';
import { startCuttableProxy, type CuttableProxy } from './resume-python-rig.ts';

const GATE = fileURLToPath(new URL('./resume-instances-gate.ts', import.meta.url));
const needs = { skip: requireTool(HAPROXY_BIN, 'haproxy').skip ?? requireTool(REDIS_BIN, 'redis-server').skip };

type Msg = { type: string; n?: number; got?: number[] };
const COUNT = 300;
const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);
type Line = { instance: string; got?: number; connection?: string; moved?: boolean; close?: string; code?: number; reason?: string };

describe('resume across two gate instances behind HAProxy, sessions in Redis', needs, () => {
  let redis: TestRedis;
  let lb: LoadBalancer;
  let proxy: CuttableProxy;
  const gates: Child[] = [];
  const lines = (child: Child): Line[] => child.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  const all = () => gates.flatMap(lines);
  /** Each instance's lines after `mark` (one count per instance). */
  const since = (mark: number[]) => gates.flatMap((gate, i) => lines(gate).slice(mark[i]));
  const mark = () => gates.map((gate) => lines(gate).length);

  before(async () => {
    redis = await startRedis();
    const ports: number[] = [];
    for (const name of ['A', 'B']) {
      const { child, line } = await start(process.execPath, ['--import', 'tsx', GATE, String(redis.port), name], /^READY \d+$/, 20_000);
      gates.push(child);
      ports.push(Number(line.split(' ')[1]));
    }
    lb = await startHaproxy(ports);
    proxy = await startCuttableProxy(lb.port);
  });
  after(async () => {
    await proxy?.close();
    await lb?.stop();
    for (const gate of gates) await gate.stop();
    await redis?.stop();
  });

  function client() {
    const socket = new AuthSocket<Msg, Msg>(`ws://127.0.0.1:${proxy.port}/`, {
      WebSocket: WebSocket as never,
      auth: { via: 'subprotocol', token: 'good' },
      resume: true,
      reconnect: { minDelay: 20, maxDelay: 100 },
    });
    const sessions: string[] = [];
    const stream: number[] = [];
    socket.on('open', ({ session }) => sessions.push(session!));
    socket.on('message', (msg) => msg.type === 's' && stream.push(msg.n!));
    return { socket, sessions, stream };
  }

  function traffic(socket: AuthSocket<Msg, Msg>, every = 5): Promise<void> {
    socket.send({ type: 'stream', count: COUNT, every } as Msg);
    let n = 0;
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        socket.send({ type: 'n', n: ++n });
        if (n === COUNT) {
          clearInterval(timer);
          resolve();
        }
      }, every);
    });
  }

  const streamReaches = (socket: AuthSocket<Msg, Msg>, n: number, ms = 20_000) =>
    nextEvent<Msg>(socket, 'message', ms, (msg) => msg.type === 's' && msg.n! >= n);

  const report = async (socket: AuthSocket<Msg, Msg>) => {
    const answer = nextEvent<Msg>(socket, 'message', 10_000, (msg) => msg.type === 'report');
    socket.send({ type: 'report' });
    return (await answer).got!;
  };

  test('a cut mid-stream, twice: the session moves to the other instance each time; every number exactly once and in order both ways', async () => {
    const { socket, sessions, stream } = client();
    try {
      await untilState(socket, 'open', 10_000);
      const sent = traffic(socket);
      await streamReaches(socket, 80);
      proxy.cut();
      await streamReaches(socket, 180);
      proxy.cut();
      await sent;
      if (stream.length < COUNT) await streamReaches(socket, COUNT);
      assert.deepEqual(await report(socket), range(COUNT), 'the apps (both instances) got every number once, in order');
      assert.deepEqual(stream, range(COUNT), 'the client got every number once, in order');
      assert.deepEqual(sessions, ['new', 'resumed', 'resumed']);
      const connections = all().filter((line) => line.connection !== undefined);
      assert.equal(connections.length, 3, 'connection once per arrival on an instance');
      assert.deepEqual(connections.map(({ instance, moved }) => `${instance} ${moved}`).sort(), ['A false', 'A true', 'B true'], 'A, then B (moved), then A again (moved)');
      assert.equal(all().filter((line) => line.close !== undefined && line.reason === 'session moved').length, 2, 'the instance left behind closed its session socket');
      // Every number the client sent reached exactly one app, once (the order is the report's).
      const got = all().filter((line) => line.got !== undefined).map((line) => line.got!);
      assert.deepEqual(got.sort((a, b) => a - b), range(COUNT));
    } finally {
      socket.close();
    }
  });

  test('an instance killed mid-stream: the session continues on the other one; what is delivered again is measured', async () => {
    const { socket, sessions, stream } = client();
    try {
      await untilState(socket, 'open', 10_000);
      const before = mark();
      const sent = traffic(socket, 3);
      await streamReaches(socket, 100);
      const serving = since(before).find((line) => line.connection !== undefined)!.instance;
      const victim = gates[serving === 'A' ? 0 : 1]!;
      victim.process.kill('SIGKILL');
      const at = stream.length;
      await sent;
      if (stream.length < COUNT) await streamReaches(socket, COUNT, 30_000);
      const recorded = await report(socket);
      const seen = since(before).filter((line) => line.got !== undefined).map((line) => line.got!);
      const twice = (list: number[]) => list.filter((n, i) => list.indexOf(n) !== i).length;
      const missing = (list: number[]) => range(COUNT).filter((n) => !list.includes(n)).length;
      console.log(`# killed instance ${serving} with ${at} stream numbers received: sessions ${sessions.join(',')}; ` +
        `client→apps: ${twice(seen)} delivered twice, ${missing(seen)} missing (apps' Redis record: ${twice(recorded)} twice, ${missing(recorded)} missing); ` +
        `apps→client: ${twice(stream)} twice, ${missing(stream)} missing`);
      assert.deepEqual(sessions, ['new', 'resumed'], 'the other instance had the session');
      assert.equal(missing(seen), 0, 'every client number reached an app (at least once)');
      assert.equal(twice(stream), 0, 'the client never got a number twice');
      assert.deepEqual(stream, [...stream].sort((a, b) => a - b), 'in order');
    } finally {
      socket.close();
    }
  });
});
