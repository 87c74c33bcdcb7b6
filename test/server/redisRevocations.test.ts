// Revocation across gate instances over a real redis-server (127.0.0.1,
// started and stopped here), each instance with its own Redis connections.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRedisRevocations } from '../../src/server/index.ts';
import { startGate, type TestGate } from '../support/server-gate.ts';
import { REDIS_BIN, startRedis, type TestRedis } from '../support/server-redis.ts';
import { listen } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';
import { requireTool } from '../support/tools.ts';

const needsRedis = requireTool(REDIS_BIN, 'redis-server');
let redis: TestRedis;
before(async () => { if (!needsRedis.skip) redis = await startRedis(); });
after(async () => { await redis?.stop(); });

async function instance(channel?: string): Promise<TestGate<string>> {
  const revocations = createRedisRevocations({ redis: await redis.pubSub(), ...(channel ? { channel } : {}) });
  await within(revocations.ready, 5_000, 'subscribed');
  return startGate<string>({ verify: async (token) => token, revocations });
}

test('revoke on instance A closes the user’s sockets on instance B within a second; other users untouched', needsRedis, async () => {
  const [a, b] = await Promise.all([instance(), instance()]);
  try {
    const aliceOnA = await listen(a.url('/?access_token=alice'));
    const aliceOnB = await Promise.all([listen(b.url('/?access_token=alice')), listen(b.url('/?access_token=alice'))]);
    const bobOnB = await listen(b.url('/?access_token=bob'));
    await Promise.all([aliceOnA, ...aliceOnB, bobOnB].map((client) => client.next(1)));
    const started = Date.now();
    assert.equal(await a.gate.revoke('alice', { code: 4401, reason: 'logged out' }), 1);
    for (const client of [aliceOnA, ...aliceOnB]) {
      const closed = await within(client.closed, 1_000, 'alice closed within a second');
      assert.deepEqual([closed.code, closed.reason], [4401, 'logged out']);
    }
    assert.ok(Date.now() - started < 1_000);
    assert.ok(bobOnB.isOpen());
    bobOnB.ws.send('hi');
    await bobOnB.next(2);
    bobOnB.ws.close();
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('the default channel is authsocket:revocations; the message names the user and code, never a credential', needsRedis, async () => {
  const spy = await redis.pubSub();
  const seen: string[] = [];
  await spy.subscribe('authsocket:revocations', (message) => seen.push(message));
  const a = await instance();
  try {
    await a.gate.revoke('alice');
    await within(new Promise<void>((resolve) => {
      const poll = setInterval(() => seen.length && (clearInterval(poll), resolve()), 5);
    }), 1_000, 'message on the channel');
    const message = JSON.parse(seen[0]!);
    assert.deepEqual({ ...message, from: typeof message.from }, { v: 1, from: 'string', key: 'alice', code: 4403, reason: 'revoked' });
  } finally {
    await a.close();
  }
});

test('instances on another channel are not affected', needsRedis, async () => {
  const [a, other] = await Promise.all([instance('app-one'), instance('app-two')]);
  try {
    const alice = await listen(other.url('/?access_token=alice'));
    await alice.next(1);
    await a.gate.revoke('alice');
    // Nothing must arrive: give the bus the time a revocation takes elsewhere, then check.
    const probe = await listen(a.url('/?access_token=probe'));
    await probe.next(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(alice.isOpen());
    alice.ws.close();
    probe.ws.close();
  } finally {
    await Promise.all([a.close(), other.close()]);
  }
});

test('the adapter: Buffer messages, checked options, a failed subscribe only rejects `ready`', async () => {
  let deliver: (message: unknown) => void = () => {};
  const revocations = createRedisRevocations({
    redis: { publish: async () => 1, subscribe: (_channel, onMessage) => { deliver = onMessage as never; } },
  });
  await revocations.ready;
  const got: string[] = [];
  const off = revocations.subscribe((message) => got.push(message)) as () => void;
  deliver(Buffer.from('hello'));
  off();
  deliver('after');
  assert.deepEqual(got, ['hello']);
  const failed = createRedisRevocations({ redis: { publish: async () => 1, subscribe: async () => { throw new Error('no redis'); } } });
  await assert.rejects(failed.ready, /no redis/);
  assert.throws(() => createRedisRevocations({ redis: {} as never }), TypeError);
  assert.throws(() => createRedisRevocations({ redis: { publish: async () => 1, subscribe: () => {} }, channel: '' }), TypeError);
});
