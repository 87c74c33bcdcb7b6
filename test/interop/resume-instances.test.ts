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
import { untilState } from '../support/interop/client.ts';
import { start, type Child } from '../support/interop/processes.ts';
import { HAPROXY_BIN, startHaproxy, type LoadBalancer } from '../support/load-balancer.ts';
import { REDIS_BIN, startRedis, type TestRedis } from '../support/server-redis.ts';
import { requireTool } from '../support/tools.ts';
import { assertExactlyOnceAcross, assertKilledInstanceContinues, COUNT, range, resumeClient } from '../server/resume-traffic.ts';
import { startCuttableProxy, type CuttableProxy } from './resume-python-rig.ts';

const GATE = fileURLToPath(new URL('./resume-instances-gate.ts', import.meta.url));
const needs = { skip: requireTool(HAPROXY_BIN, 'haproxy').skip ?? requireTool(REDIS_BIN, 'redis-server').skip };

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

  const client = () => resumeClient(`ws://127.0.0.1:${proxy.port}/`);

  test('a cut mid-stream, twice: the session moves to the other instance each time; every number exactly once and in order both ways', async () => {
    const { socket, sessions, stream } = client();
    try {
      await untilState(socket, 'open', 10_000);
      await assertExactlyOnceAcross(socket, stream, [80, 180], () => proxy.cut()); // the apps of both instances
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
    const before = mark();
    const running = client();
    try {
      await assertKilledInstanceContinues(running, () => {
        const serving = since(before).find((line) => line.connection !== undefined)!.instance;
        gates[serving === 'A' ? 0 : 1]!.process.kill('SIGKILL');
        return serving;
      }, () => since(before).filter((line) => line.got !== undefined).map((line) => line.got!));
    } finally {
      running.socket.close();
    }
  });
});
