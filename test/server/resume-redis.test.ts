// Sessions in a real redis-server (127.0.0.1, random port), shared by two gate
// instances in this process, each with its own store and connections: a
// session moves between them, nothing lost or repeated, and the layout is as
// docs/resume.md says (bounded stream, expiry, deleted at the end).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRedisRevocations, createRedisSessions } from '../../src/server/index.ts';
import { REDIS_BIN, startRedis, type TestRedis } from '../support/server-redis.ts';
import { until } from '../support/server-socket.ts';
import { requireTool } from '../support/tools.ts';
import { startResumeGate, WireClient, type ResumeGate } from './resume-wire.ts';

const needsRedis = requireTool(REDIS_BIN, 'redis-server');
const numbers = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

describe('resume over Redis: two instances', needsRedis, () => {
  let redis: TestRedis;
  let a: ResumeGate;
  let b: ResumeGate;
  const stores: Array<{ close(): void }> = [];
  const startInstance = async (options: { window?: number; maxBuffered?: number } = {}) => {
    const command = await redis.client();
    const pubSub = await redis.pubSub();
    const store = createRedisSessions({ redis: { command: (args) => command.command(args), subscribe: (channel, onMessage) => pubSub.subscribe(channel, onMessage) } });
    const revocations = createRedisRevocations({ redis: await redis.pubSub() });
    await Promise.all([store.ready, revocations.ready]);
    stores.push(store);
    return startResumeGate({ resume: { store, ...options }, revocations });
  };
  before(async () => {
    redis = await startRedis();
    a = await startInstance({ maxBuffered: 50 });
    b = await startInstance({ maxBuffered: 50 });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    for (const store of stores) store.close();
    await redis?.stop();
  });

  test('a dropped session continues on the other instance: moved, every frame once and in order both ways', async () => {
    const onA = new WireClient(a.url, { ackWithin: false });
    const { id } = await onA.connect();
    const appA = a.sessions.get(id)!;
    for (const n of numbers('', 1, 5)) { appA.socket.send(`s${n}`); onA.send(`c${n}`); }
    await until(() => onA.received === 5 && appA.messages.length === 5, 3_000, 'five both ways');
    onA.drop();
    await until(() => appA.events.includes('suspended'), 3_000, 'suspended on A');
    for (const n of numbers('', 6, 8)) { appA.socket.send(`s${n}`); onA.send(`c${n}`); }
    // The same client (its counts, its kept frames) comes back through the other instance.
    const client = Object.assign(new WireClient(b.url, { ackWithin: false }), { session: onA.session, sent: onA.sent, kept: onA.kept });
    client.inbox.push(...onA.inbox);
    const answer = await client.connect();
    assert.deepEqual(answer, { $: 'session', id, status: 'resumed', received: 5 });
    assert.equal(appA.events.at(-1), 'close 1001 session moved', 'A stopped serving it');
    const appB = b.sessions.get(id)!;
    assert.deepEqual(appB.info, { session: id, moved: true });
    appB.socket.send('s9');
    client.send('c9');
    await until(() => client.received === 9 && appB.messages.length === 4, 3_000, 'all on B');
    assert.deepEqual(client.inbox, numbers('s', 1, 9));
    assert.deepEqual([...appA.messages, ...appB.messages], numbers('c', 1, 9));
    client.end();
    await until(() => appB.events.at(-1) === 'close 1000 ', 3_000, 'end on B');
    const keys = await (await redis.client()).command(['KEYS', `authsocket:session:${id}*`]);
    assert.deepEqual(keys, [], 'end deletes the session from Redis');
  });

  test('the old connection still open on A: A closes its session socket before B answers; the old connection gets 1001', async () => {
    const onA = new WireClient(a.url, { ackWithin: false });
    const { id } = await onA.connect();
    const appA = a.sessions.get(id)!;
    appA.socket.send('one');
    await onA.until(() => onA.received === 1, 3_000, 'one');
    const order: string[] = [];
    appA.socket.on('close', () => order.push('A closed'));
    const oldClosed = onA.closed!.then(({ code, reason }) => order.push(`old connection ${code} ${reason}`));
    const client = Object.assign(new WireClient(b.url, { ackWithin: false }), { session: id });
    client.inbox.push('one');
    const answer = await client.connect();
    order.push(`B answered ${answer.status}`);
    await oldClosed;
    // A's session socket closes before B answers. The old connection's close frame
    // and B's answer travel on two TCP connections, so which one this process reads
    // first is up to the network: only that the old one gets 1001 is asserted.
    assert.equal(order[0], 'A closed');
    assert.ok(order.indexOf('A closed') < order.indexOf('B answered resumed'), order.join(' | '));
    assert.ok(order.includes('old connection 1001 session moved'), order.join(' | '));
    client.end();
  });

  test('another user key is never continued across instances (lost); the Redis layout: bounded stream, expiry', async () => {
    const alice = new WireClient(a.url, { ackWithin: false });
    const { id } = await alice.connect();
    const appA = a.sessions.get(id)!;
    alice.drop();
    await until(() => appA.events.includes('suspended'), 3_000, 'suspended');
    for (let i = 1; i <= 120; i++) appA.socket.send(`s${i}`);
    const redisClient = await redis.client();
    // A's writes are fire-and-forget on its own connection: wait (bounded) until the last is in.
    const last = async () => ((await redisClient.command(['XREVRANGE', `authsocket:session:${id}:frames`, '+', '-', 'COUNT', '1'])) as Array<[string]>)[0]?.[0];
    for (const deadline = Date.now() + 3_000; (await last()) !== '120-0';) assert.ok(Date.now() < deadline, 'frame 120 recorded');
    const [length, first] = await Promise.all([
      redisClient.command(['XLEN', `authsocket:session:${id}:frames`]),
      redisClient.command(['XRANGE', `authsocket:session:${id}:frames`, '-', '+', 'COUNT', '1']),
    ]);
    assert.equal(length, 50, 'MAXLEN maxBuffered');
    assert.equal((first as Array<[string]>)[0]![0], '71-0', 'the oldest kept is frame 71');
    const ttl = (await redisClient.command(['PTTL', `authsocket:session:${id}`])) as number;
    assert.ok(ttl > 0 && ttl <= 120_000, `PTTL ${ttl}`);
    const streamTtl = (await redisClient.command(['PTTL', `authsocket:session:${id}:frames`])) as number;
    assert.ok(streamTtl > 0 && streamTtl <= 120_000, `stream PTTL ${streamTtl}`);
    const bob = Object.assign(new WireClient(b.url, { token: 'bob', ackWithin: false }), { session: id });
    assert.equal((await bob.connect()).status, 'lost');
    assert.ok(!appA.events.some((event) => event.startsWith('close')), 'alice\'s session was not touched');
    // alice lacks frames 1…70, which overflowed: lost on the other instance too.
    const back = Object.assign(new WireClient(b.url, { ackWithin: false }), { session: id });
    assert.equal((await back.connect()).status, 'lost');
    bob.end();
    back.end();
  });

  test('a revocation on one instance ends the user\'s session suspended on the other, and deletes it from Redis', async () => {
    const onA = new WireClient(a.url, { ackWithin: false });
    const { id } = await onA.connect();
    const appA = a.sessions.get(id)!;
    onA.drop();
    await until(() => appA.events.includes('suspended'), 3_000, 'suspended');
    await b.gate.revoke('alice');
    await until(() => appA.events.at(-1) === 'close 4403 revoked', 3_000, 'ended on A');
    const client = await redis.client();
    for (const deadline = Date.now() + 3_000; ((await client.command(['EXISTS', `authsocket:session:${id}`])) as number) === 1;) {
      assert.ok(Date.now() < deadline, 'deleted from Redis');
    }
    assert.equal((await onA.connect()).status, 'lost');
    onA.end();
  });

  test('an owner that does not answer the hand-over: the taker waits at most handOver, then goes on with what Redis has', async () => {
    const command = await redis.client();
    const pubSub = await redis.pubSub();
    const store = createRedisSessions({ redis: { command: (args) => command.command(args), subscribe: (channel, onMessage) => pubSub.subscribe(channel, onMessage) }, handOver: 300, prefix: 't:' });
    await store.ready;
    stores.push(store);
    // A silent owner: subscribed to its move channel, never answering.
    const silent = await redis.pubSub();
    await silent.subscribe('t:move:silent', () => {});
    const id = 'sessionOfASilentOwner0';
    await command.command(['HSET', `t:${id}`, 'key', 'alice', 'owner', 'silent', 'received', '3', 'acked', '1']);
    await command.command(['XADD', `t:${id}:frames`, '2-0', 't', 'two']);
    const started = Date.now();
    const state = await store.take(id, 'alice', { release: () => undefined }, { window: 60_000, maxBuffered: 10 });
    const waited = Date.now() - started;
    assert.ok(waited >= 290 && waited < 1_500, `waited ${waited} ms`);
    assert.deepEqual(state, { received: 3, sent: 2, kept: ['two'] });
    assert.equal(await store.take(id, 'bob', { release: () => undefined }, { window: 60_000, maxBuffered: 10 }), undefined, 'another key');
  });

  test('options are checked', () => {
    const redisLike = { command: async () => null, subscribe: () => undefined };
    assert.throws(() => createRedisSessions({ redis: undefined as never }), TypeError);
    assert.throws(() => createRedisSessions({ redis: { command: async () => null } as never }), TypeError);
    assert.throws(() => createRedisSessions({ redis: redisLike, prefix: '' }), TypeError);
    assert.throws(() => createRedisSessions({ redis: redisLike, handOver: 0 }), TypeError);
  });
});
