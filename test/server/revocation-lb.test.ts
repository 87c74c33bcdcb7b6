// The deployment docs/server.md shows: two gate processes behind HAProxy
// (round-robin), sharing revocations through a real redis-server. Revoking on
// one instance closes the user's sockets on the other within a second; 4403
// stops an authsocket client, 4401 brings it back with a fresh credential;
// other users are untouched.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { AuthSocket } from '../../src/index.ts';
import { HAPROXY_BIN, startHaproxy, type LoadBalancer } from '../support/load-balancer.ts';
import { REDIS_BIN, startRedis, type TestRedis } from '../support/server-redis.ts';
import { until } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';
import { requireTool } from '../support/tools.ts';

interface GateProcess { name: string; port: number; child: ChildProcess }

async function startGateProcess(name: string, redisPort: number): Promise<GateProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/gate-process.ts'], {
    env: { ...process.env, INSTANCE: name, REDIS_PORT: String(redisPort) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (chunk) => (out += chunk));
  const port = await within(new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const ready = /READY (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    child.once('exit', (code) => reject(new Error(`gate ${name} exited (${code}): ${out}`)));
  }), 20_000, `gate process ${name}`);
  return { name, port, child };
}

async function stopGateProcess(gate: GateProcess | undefined): Promise<void> {
  if (!gate || gate.child.exitCode !== null) return;
  const exited = new Promise((resolve) => gate.child.once('exit', resolve));
  gate.child.kill('SIGTERM');
  await within(exited, 5_000, `stop ${gate.name}`).catch(() => gate.child.kill('SIGKILL'));
}

/** An authsocket client through the load balancer, with what happened to it. */
function client(url: string, user: string) {
  let serial = 0;
  const record = { tokens: 0, welcomes: [] as string[], closes: [] as number[], unauthorized: [] as number[], opens: 0 };
  const socket = new AuthSocket<any>(url, {
    WebSocket: WebSocket as never,
    auth: { via: 'subprotocol', token: () => { record.tokens++; return `${user}.${++serial}`; } },
    reconnect: { minDelay: 50, maxDelay: 100 },
  });
  socket.on('open', () => record.opens++);
  socket.on('message', (m) => m.type === 'welcome' && record.welcomes.push(m.instance));
  socket.on('close', ({ code }) => record.closes.push(code));
  socket.on('unauthorized', ({ code }) => record.unauthorized.push(code));
  const welcomed = (count: number) => until(() => record.welcomes.length >= count, 3_000, `${user} welcome #${count}`);
  return { socket, record, welcomed };
}


async function revokeOn(gate: GateProcess, key: string, code: 4401 | 4403): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${gate.port}/revoke?key=${key}&code=${code}`, { method: 'POST' });
  return ((await res.json()) as { closed: number }).closed;
}

const needs = { skip: requireTool(HAPROXY_BIN, 'haproxy').skip ?? requireTool(REDIS_BIN, 'redis-server').skip };

describe('two gate processes behind HAProxy, revocations over Redis', needs, () => {
  let redis: TestRedis;
  let gates: GateProcess[] = [];
  let lb: LoadBalancer;
  before(async () => {
    redis = await startRedis();
    gates = await Promise.all([startGateProcess('A', redis.port), startGateProcess('B', redis.port)]);
    lb = await startHaproxy(gates.map((gate) => gate.port));
  });
  after(async () => {
    await lb?.stop();
    await Promise.all(gates.map(stopGateProcess));
    await redis?.stop();
  });

  test('revoke on one instance reaches the other within a second; 4403 stops, 4401 comes back, others untouched', async () => {
    const url = `ws://127.0.0.1:${lb.port}/`;
    const clients: Array<ReturnType<typeof client>> = [];
    try {
      // One after the other, so round-robin puts each user on both instances.
      for (const user of ['alice', 'alice', 'carol', 'carol', 'bob', 'bob']) {
        const c = client(url, user);
        clients.push(c);
        await c.welcomed(1);
      }
      const [alice1, alice2, carol1, carol2, bob1, bob2] = clients as [typeof clients[0], typeof clients[0], typeof clients[0], typeof clients[0], typeof clients[0], typeof clients[0]];
      const where = (c: typeof alice1) => c.record.welcomes[0];
      assert.deepEqual(new Set([where(alice1), where(alice2)]), new Set(['A', 'B']), 'round-robin: alice on both instances');
      assert.deepEqual(new Set([where(carol1), where(carol2)]), new Set(['A', 'B']), 'round-robin: carol on both instances');

      // 4403 on instance A: alice stops everywhere.
      const [a, b] = gates as [GateProcess, GateProcess];
      let started = Date.now();
      assert.equal(await revokeOn(a, 'alice', 4403), 1, 'A closed its one alice socket');
      await until(() => alice1.record.unauthorized.length === 1 && alice2.record.unauthorized.length === 1, 1_000, 'both alice clients stopped within a second');
      assert.ok(Date.now() - started < 1_000);
      for (const alice of [alice1, alice2]) {
        assert.deepEqual(alice.record.unauthorized, [4403]);
        assert.equal(alice.socket.state, 'closed');
        assert.equal(alice.record.tokens, 1, 'a stopped client asks for no new credential');
      }

      // 4401 on instance B: carol comes back, with a fresh credential, on both.
      started = Date.now();
      assert.equal(await revokeOn(b, 'carol', 4401), 1, 'B closed its one carol socket');
      await until(() => carol1.record.closes.length === 1 && carol2.record.closes.length === 1, 1_000, 'both carol sockets closed within a second');
      for (const carol of [carol1, carol2]) {
        await carol.welcomed(2);
        assert.deepEqual(carol.record.closes, [4401]);
        assert.equal(carol.record.tokens, 2, 'a fresh credential for the new connection');
        assert.equal(carol.socket.state, 'open');
        assert.deepEqual(carol.record.unauthorized, []);
      }

      // Bob never noticed.
      for (const bob of [bob1, bob2]) {
        assert.deepEqual(bob.record.closes, []);
        assert.equal(bob.record.opens, 1);
        assert.equal(bob.socket.state, 'open');
      }
    } finally {
      for (const c of clients) c.socket.close();
    }
  });
});
