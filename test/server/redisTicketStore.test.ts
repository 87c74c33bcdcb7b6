// Against a real redis-server the test starts on 127.0.0.1 and stops after.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createHash } from 'node:crypto';
import { createRedisTicketStore } from '../../src/server/index.ts';
import { REDIS_BIN, startRedis, type TestRedis } from '../support/server-redis.ts';
import { requireTool } from '../support/tools.ts';

const needsRedis = requireTool(REDIS_BIN, 'redis-server');
let redis: TestRedis;
before(async () => { if (!needsRedis.skip) redis = await startRedis(); });
after(async () => { await redis?.stop(); });

test('a ticket issued on one instance redeems once on another', needsRedis, async () => {
  const a = createRedisTicketStore<{ id: string }>({ redis: await redis.client(), ttl: 30_000 });
  const b = createRedisTicketStore<{ id: string }>({ redis: await redis.client(), ttl: 30_000 });
  const ticket = await a.issue({ id: 'alice' });
  assert.match(ticket, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(await b.redeem(ticket), { id: 'alice' });
  assert.equal(await a.redeem(ticket), null);
  assert.equal(await b.redeem(ticket), null);
});

test('racing redeems across instances: exactly one wins', needsRedis, async () => {
  const stores = await Promise.all(Array.from({ length: 8 }, async () =>
    createRedisTicketStore({ redis: await redis.client(), ttl: 30_000 })));
  for (let round = 0; round < 20; round++) {
    const ticket = await stores[0].issue(`user-${round}`);
    const results = await Promise.all(stores.map((store) => store.redeem(ticket)));
    assert.deepEqual(results.filter((r) => r !== null), [`user-${round}`]);
  }
});

test('keys are the ticket hash with a PX expiry; the ticket itself is never stored', needsRedis, async () => {
  const client = await redis.client();
  const store = createRedisTicketStore({ redis: client, ttl: 30_000, prefix: 'test:' });
  const ticket = await store.issue('alice');
  const key = `test:${createHash('sha256').update(ticket).digest('base64url')}`;
  const pttl = (await client.command(['PTTL', key])) as number;
  assert.ok(pttl > 25_000 && pttl <= 30_000, `PTTL ${pttl}`);
  const keys = (await client.command(['KEYS', '*'])) as string[];
  assert.ok(keys.every((k) => !k.includes(ticket)));
  assert.equal(await store.redeem(ticket), 'alice');
  assert.equal(await client.command(['EXISTS', key]), 0);
});

test('a ticket expires after ttl', needsRedis, async () => {
  const client = await redis.client();
  const store = createRedisTicketStore({ redis: client, ttl: 50 });
  const ticket = await store.issue('alice');
  const key = `authsocket:ticket:${createHash('sha256').update(ticket).digest('base64url')}`;
  // Wait on Redis's own clock: poll until the key is gone (bounded).
  const deadline = Date.now() + 3_000;
  while ((await client.command(['EXISTS', key])) === 1) {
    assert.ok(Date.now() < deadline, 'key did not expire');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(await store.redeem(ticket), null);
});

test('junk never reaches Redis', async () => {
  const sent: string[][] = [];
  const store = createRedisTicketStore({ redis: { command: async (args) => { sent.push(args); return null; } }, ttl: 1_000 });
  for (const junk of ['', 'short', 'A'.repeat(64 * 1024), 'a b'.repeat(20)]) assert.equal(await store.redeem(junk), null);
  assert.deepEqual(sent, []);
});

test('options are checked', () => {
  assert.throws(() => createRedisTicketStore({ redis: undefined as never, ttl: 1_000 }), TypeError);
  assert.throws(() => createRedisTicketStore({ redis: { command: async () => null }, ttl: 1.5 }), TypeError);
});
