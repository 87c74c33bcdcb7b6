// gate.revoke(key): closes every authenticated socket of that user, here and,
// through `revocations`, on every other gate sharing the bus.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { createRevocations, type Revocations } from '../../src/server/index.ts';
import { startGate, type TestGate } from '../support/server-gate.ts';
import { listen, type Listening } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';

// Tokens are user names; `nobody` is refused.
const verify = async (token: string) => (token === 'nobody' ? null : token);
const auth = (token: string) => JSON.stringify({ type: 'auth', token });

/** A socket of `user` through `carrier`, welcomed by the gate's app. */
async function socketOf(g: TestGate<unknown>, user: string, carrier: 'query' | 'subprotocol' | 'header' | 'message' = 'query'): Promise<Listening> {
  const client = carrier === 'query' ? await listen(g.url(`/?access_token=${user}`))
    : carrier === 'subprotocol' ? await listen(g.url(), ['authsocket', `base64url.bearer.${encodeBase64Url(user)}`])
    : carrier === 'header' ? await listen(g.url(), [], { headers: { Authorization: `Bearer ${user}` } })
    : await listen(g.url());
  if (carrier === 'message') client.ws.send(auth(user));
  await client.next(carrier === 'message' ? 2 : 1);
  return client;
}

describe('revoke on one gate', () => {
  let g: TestGate<unknown>;
  before(async () => { g = await startGate<unknown>({ verify }); });
  after(() => g.close());

  test("closes every socket of the user, whatever the carrier, with 4403 'revoked'; others untouched", async () => {
    const alice = await Promise.all((['query', 'subprotocol', 'header', 'message'] as const).map((c) => socketOf(g, 'alice', c)));
    const bob = await socketOf(g, 'bob');
    assert.equal(await within(g.gate.revoke('alice'), 3_000, 'revoke'), 4);
    for (const client of alice) {
      const closed = await within(client.closed, 1_000, 'alice closed');
      assert.deepEqual([closed.code, closed.reason], [4403, 'revoked']);
    }
    assert.ok(bob.isOpen());
    bob.ws.send('still here');
    await bob.next(2);
    assert.equal(bob.inbox[1].type, 'echo');
    assert.equal(await g.gate.revoke('alice'), 0, 'nothing left to close');
    bob.ws.close();
  });

  test('code 4401 and a reason (cut to a close frame)', async () => {
    const alice = await socketOf(g, 'alice');
    assert.equal(await g.gate.revoke('alice', { code: 4401, reason: 'password changed' }), 1);
    assert.deepEqual(Object.values(await alice.closed).slice(0, 2), [4401, 'password changed']);
    const long = await socketOf(g, 'alice');
    await g.gate.revoke('alice', { reason: 'é'.repeat(200) });
    const closed = await long.closed;
    assert.equal(closed.code, 4403);
    assert.ok(Buffer.byteLength(closed.reason) <= 123);
  });

  test('a socket still authenticating (message carrier, no auth frame yet) is not counted', async () => {
    const waiting = await listen(g.url());
    assert.equal(await g.gate.revoke('alice'), 0);
    waiting.ws.send(auth('carol'));
    await waiting.next(2);
    waiting.ws.close();
  });

  test('bad arguments reject with a TypeError', async () => {
    await assert.rejects(g.gate.revoke('' as string), TypeError);
    await assert.rejects(g.gate.revoke(42 as never), TypeError);
    await assert.rejects(g.gate.revoke('alice', { code: 1000 as never }), TypeError);
    await assert.rejects(g.gate.revoke('alice', { reason: 5 as never }), TypeError);
  });

  test('the key option names users for revoke', async () => {
    const keyed = await startGate<unknown>({ verify: async (t) => ({ account: t }), key: (u) => (u as { account: string }).account });
    try {
      const alice = await socketOf(keyed, 'alice');
      assert.equal(await keyed.gate.revoke('alice'), 1);
      assert.equal((await alice.closed).code, 4403);
    } finally {
      await keyed.close();
    }
  });
});

describe('revoke across gates sharing `revocations`', () => {
  test('in one process (createRevocations): B closes its sockets of the user; the count is A’s', async () => {
    const revocations = createRevocations();
    const [a, b] = await Promise.all([startGate<unknown>({ verify, revocations }), startGate<unknown>({ verify, revocations })]);
    try {
      const onA = await socketOf(a, 'alice');
      const onB = await Promise.all([socketOf(b, 'alice'), socketOf(b, 'alice', 'message')]);
      const bob = await socketOf(b, 'bob');
      assert.equal(await a.gate.revoke('alice'), 1);
      for (const client of [onA, ...onB]) assert.equal((await within(client.closed, 1_000, 'closed')).code, 4403);
      assert.ok(bob.isOpen());
      bob.ws.close();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  /** A bus that holds messages until the test delivers them. */
  function heldBus() {
    const listeners = new Set<(message: string) => void>();
    const held: string[] = [];
    const bus: Revocations = {
      publish: async (message) => void held.push(message),
      subscribe: (onMessage) => { listeners.add(onMessage); return () => void listeners.delete(onMessage); },
    };
    const deliver = (message: string) => { for (const listener of listeners) listener(message); };
    return { bus, held, listeners, deliver };
  }

  test('a gate ignores the echo of its own revocation: a socket admitted since stays', async () => {
    const { bus, held, deliver } = heldBus();
    const [a, b] = await Promise.all([startGate<unknown>({ verify, revocations: bus }), startGate<unknown>({ verify, revocations: bus })]);
    try {
      const onB = await socketOf(b, 'alice');
      await a.gate.revoke('alice');
      const comeback = await socketOf(a, 'alice'); // logged in again on A before the echo
      deliver(held[0]!);
      assert.equal((await within(onB.closed, 1_000, 'B closed')).code, 4403);
      comeback.ws.send('ping');
      await comeback.next(2);
      assert.ok(comeback.isOpen());
      comeback.ws.close();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('junk on the bus is ignored; a failing publish rejects revoke (local sockets are closed anyway)', async () => {
    const { deliver, listeners } = heldBus();
    const failing: Revocations = {
      publish: async () => { throw new Error('bus down'); },
      subscribe: (onMessage) => { listeners.add(onMessage); },
    };
    const g = await startGate<unknown>({ verify, revocations: failing });
    try {
      const alice = await socketOf(g, 'alice');
      for (const junk of ['', 'null', '{"v":1}', '{"v":1,"from":"x","key":"alice","code":1000,"reason":"r"}', '{"v":2,"from":"x","key":"alice","code":4403,"reason":"r"}']) deliver(junk);
      alice.ws.send('ping');
      await alice.next(2);
      assert.ok(alice.isOpen(), 'junk closed nothing');
      await assert.rejects(g.gate.revoke('alice'), /bus down/);
      assert.equal((await within(alice.closed, 1_000, 'closed')).code, 4403);
    } finally {
      await g.close();
    }
  });

  test('gate.close() stops listening to the bus', async () => {
    const { bus, listeners } = heldBus();
    const g = await startGate<unknown>({ verify, revocations: bus });
    assert.equal(listeners.size, 1);
    await g.close();
    assert.equal(listeners.size, 0);
  });

  test('a revocations option without publish/subscribe is refused at creation', async () => {
    await assert.rejects(startGate<unknown>({ verify, revocations: {} as never }), TypeError);
  });
});
