// The documented Redis set-up across a Redis restart (a real redis-server,
// killed and started again on its port), and `revoke()` when it cannot share
// the revocation: it rejects, instead of reporting success or hanging.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedisRevocations, RevocationNotShared } from '../../src/server/index.ts';
import { startGate } from '../support/server-gate.ts';
import { reconnectingPubSub, restartableRedis } from '../support/server-redis-restart.ts';
import { REDIS_BIN } from '../support/server-redis.ts';
import { requireTool } from '../support/tools.ts';
import { listen, until } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';

const needsRedis = requireTool(REDIS_BIN, 'redis-server');

/** One gate instance with its own Redis connections, wired as docs/server.md shows. */
async function instance(port: number, timeout = 5_000) {
  const redis = reconnectingPubSub(port);
  const revocations = createRedisRevocations({
    redis: {
      publish: redis.publish,
      subscribe: redis.subscribe,
      onError: (report) => { redis.pub.on('error', report); redis.sub.on('error', report); },
    },
    timeout,
  });
  await within(revocations.ready, 5_000, 'subscribed');
  const g = await startGate<string>({ verify: async (token) => token, revocations });
  const errors: unknown[] = [];
  g.gate.on('error', (error) => errors.push(error));
  return { g, redis, errors, close: async () => { redis.close(); await g.close(); } };
}

test('a Redis restart: the gates stay up, report the lost connection on error, and share revocations again', needsRedis, async () => {
  const server = await restartableRedis();
  const [a, b] = await Promise.all([instance(server.port), instance(server.port)]);
  try {
    await server.kill();
    // Without an error listener on the Redis clients this was `Unhandled 'error' event`: exit 1.
    await until(() => a.errors.length > 0 && b.errors.length > 0, 3_000, 'both gates reported the lost connection');
    assert.match(String(a.errors[0]), /ECONNRESET|ECONNREFUSED|closed|EPIPE/);
    await server.start();
    const alice = await listen(b.g.url('/?access_token=alice'));
    await alice.next(1);
    // The clients reconnect and subscribe again; until B has, its sockets are not reached.
    await within((async () => {
      for (;;) {
        const closed = await a.g.gate.revoke('alice').catch(() => -1);
        if (closed === 0 && !alice.isOpen()) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })(), 5_000, 'a revocation shared again after the restart');
    assert.equal((await within(alice.closed, 1_000, 'closed on B')).code, 4403);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await server.kill();
  }
});

test('revoke() while Redis is down rejects within the timeout instead of hanging; the local sockets are closed anyway', needsRedis, async () => {
  const server = await restartableRedis();
  const a = await instance(server.port, 300);
  try {
    const alice = await listen(a.g.url('/?access_token=alice'));
    await alice.next(1);
    await server.kill();
    const started = Date.now();
    await assert.rejects(within(a.g.gate.revoke('alice'), 3_000, 'revoke settles'), RevocationNotShared);
    assert.ok(Date.now() - started < 1_000, 'rejected at the timeout');
    assert.equal((await within(alice.closed, 1_000, 'closed here')).code, 4403);
  } finally {
    await a.close();
    await server.kill();
  }
});

test('revoke() rejects when PUBLISH reached no subscriber (0 receivers)', async () => {
  const revocations = createRedisRevocations({ redis: { publish: async () => 0, subscribe: () => undefined } });
  const g = await startGate<string>({ verify: async (token) => token, revocations });
  try {
    await assert.rejects(g.gate.revoke('alice'), /reached 0 subscribers/);
    const reaching = createRedisRevocations({ redis: { publish: async () => 2, subscribe: () => undefined } });
    assert.equal(await reaching.publish('x'), 2);
  } finally {
    await g.close();
  }
});
