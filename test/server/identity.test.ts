// Identity on in-place re-authentication: the new credential must be the same
// user (by `key`), and only one re-authentication is verified at a time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Refusal } from '../../src/server/index.ts';
import { startGate, type TestGate } from '../support/server-gate.ts';
import { listen } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';

const auth = (token: string) => JSON.stringify({ type: 'auth', token });

describe('the default key: the user itself, or its id', () => {
  let g: TestGate<unknown>;
  const renewed: unknown[] = [];
  before(async () => {
    // `id:alice` → { id: 'alice' } (a new object per verify); `name` → the string itself.
    g = await startGate<unknown>({ verify: async (t) => (t.startsWith('id:') ? { id: t.slice(3), at: Date.now() } : t || null) });
    g.gate.on('reauthenticated', (_socket, user) => renewed.push(user));
  });
  after(() => g.close());

  async function authenticated(token: string) {
    const client = await listen(g.url());
    client.ws.send(auth(token));
    await client.next(2);
    assert.deepEqual(client.inbox[0], { type: 'auth_ok' });
    return client;
  }

  test('string users: another user is refused with auth_error and 4401 identity changed, no reauthenticated event', async () => {
    const client = await authenticated('alice');
    const renewedBefore = renewed.length;
    client.ws.send(auth('bob'));
    const closed = await within(client.closed, 2_000, 'close');
    assert.deepEqual([closed.code, closed.reason], [4401, 'identity changed']);
    assert.deepEqual(client.inbox.at(-1), { type: 'auth_error' });
    assert.equal(renewed.length, renewedBefore, 'no reauthenticated event for bob');
    const refusal = g.refusals.at(-1) as Refusal;
    assert.deepEqual([refusal.code, refusal.reason, refusal.carrier], [4401, 'identity changed', 'message']);
  });

  test('string users: the same user again is accepted', async () => {
    const client = await authenticated('alice');
    client.ws.send(auth('alice'));
    await client.next(3);
    assert.deepEqual(client.inbox[2], { type: 'auth_ok' });
    assert.equal(renewed.at(-1), 'alice');
    client.ws.close();
  });

  test('object users: compared by id, not by object', async () => {
    const client = await authenticated('id:alice');
    client.ws.send(auth('id:alice'));
    await client.next(3);
    assert.deepEqual(client.inbox[2], { type: 'auth_ok' });
    client.ws.send(auth('id:bob'));
    const closed = await within(client.closed, 2_000, 'close');
    assert.deepEqual([closed.code, closed.reason], [4401, 'identity changed']);
    assert.ok(renewed.every((user) => (user as { id?: string }).id !== 'bob'));
  });
});

describe('the key option', () => {
  let g: TestGate<{ tenant: string; user: string }>;
  before(async () => {
    g = await startGate({
      verify: async (t) => {
        const [tenant, user] = t.split('/');
        return tenant && user ? { tenant, user } : null;
      },
      key: (u) => `${u.tenant}/${u.user}`,
    });
  });
  after(() => g.close());

  test('the same name in another tenant is another user', async () => {
    const client = await listen(g.url());
    client.ws.send(auth('acme/alice'));
    await client.next(2);
    client.ws.send(auth('acme/alice'));
    await client.next(3);
    assert.deepEqual(client.inbox[2], { type: 'auth_ok' });
    client.ws.send(auth('evil/alice'));
    const closed = await within(client.closed, 2_000, 'close');
    assert.deepEqual([closed.code, closed.reason], [4401, 'identity changed']);
  });
});

describe('one re-authentication at a time', () => {
  let g: TestGate<string>;
  let release: () => void = () => {};
  before(async () => {
    g = await startGate({
      verify: async (token) => {
        // `slow…` tokens wait for the test to release them.
        if (token.startsWith('slow')) await new Promise<void>((resolve) => { release = resolve; });
        return 'alice';
      },
    });
  });
  after(() => { release(); return g.close(); });

  test('a second auth frame while one is being verified closes with 1008', async () => {
    const client = await listen(g.url());
    client.ws.send(auth('first'));
    await client.next(2);
    client.ws.send(auth('slow-second'));
    client.ws.send(auth('slow-third'));
    const closed = await within(client.closed, 2_000, 'close');
    assert.equal(closed.code, 1008);
    release();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(client.inbox, [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }], 'the pending verify was never answered');
    assert.equal(g.verified.length, 2, 'the third frame was not verified');
    assert.equal(g.refusals.at(-1)?.code, 1008);
  });

  /** Resolves once verify has been called `count` times in all. */
  const verifyCalls = (count: number) => within(new Promise<void>((resolve) => {
    const poll = setInterval(() => g.verified.length >= count && (clearInterval(poll), resolve()), 5);
  }), 2_000, `${count} verify calls`);

  test('one after the other is fine', async () => {
    const client = await listen(g.url());
    client.ws.send(auth('a'));
    await client.next(2);
    for (let i = 0; i < 3; i++) {
      const calls = g.verified.length;
      client.ws.send(auth('slow-again'));
      await verifyCalls(calls + 1);
      release();
      await client.next(3 + i);
      assert.deepEqual(client.inbox.at(-1), { type: 'auth_ok' });
    }
    client.ws.close();
  });
});

describe('identity is never silently off', () => {
  let g: TestGate<unknown>;
  const errors: unknown[] = [];
  before(async () => {
    // `sub:x` → JWT-like claims { sub: 'x' }; `name:x` → { name: 'x' } (no key); `n:1` → the number 1.
    g = await startGate<unknown>({
      verify: async (t) => (t.startsWith('sub:') ? { sub: t.slice(4) } : t.startsWith('name:') ? { name: t.slice(5) } : t.startsWith('n:') ? Number(t.slice(2)) : t),
    });
    g.gate.on('error', (error) => errors.push(error));
  });
  after(() => g.close());

  async function authenticated(token: string) {
    const client = await listen(g.url());
    client.ws.send(auth(token));
    await client.next(2);
    assert.deepEqual(client.inbox[0], { type: 'auth_ok' });
    return client;
  }

  test('a user with no id, no sub and no key option is refused at its first admission (1011) and reported', async () => {
    const before = errors.length;
    const client = await listen(g.url());
    client.ws.send(auth('name:alice'));
    const closed = await within(client.closed, 2_000, 'refusal');
    assert.equal(closed.code, 1011);
    assert.deepEqual(client.inbox, [{ type: 'auth_error' }]);
    assert.equal((errors[before] as Error).name, 'UnidentifiedUser');
  });

  test('JWT claims as the user: keyed by sub, so revoke(sub) reaches the socket', async () => {
    const client = await authenticated('sub:alice');
    assert.equal(await g.gate.revoke('alice'), 1);
    assert.equal((await within(client.closed, 2_000, 'revoked')).code, 4403);
  });

  test('{sub: alice} re-authenticated as {sub: bob} does not stay open: 4401 identity changed', async () => {
    const client = await authenticated('sub:alice');
    client.ws.send(auth('sub:bob'));
    const closed = await within(client.closed, 2_000, 'identity change');
    assert.deepEqual([closed.code, closed.reason], [4401, 'identity changed']);
  });

  test('ids 1 and "1" are not taken for one user: the second is refused and reported', async () => {
    const before = errors.length;
    const one = await authenticated('n:1');
    const client = await listen(g.url());
    client.ws.send(auth('1'));
    assert.equal((await within(client.closed, 2_000, 'refusal')).code, 1011);
    assert.match(String(errors[before]), /number user key and a string one|string user key and a number one/);
    assert.ok(one.isOpen());
    one.ws.close();
  });

  test('a key option returning an empty string is refused and reported, not a socket revoke cannot reach', async () => {
    const keyless = await startGate<string>({ verify: async () => 'alice', key: () => '' });
    const reported: unknown[] = [];
    keyless.gate.on('error', (error) => reported.push(error));
    try {
      const client = await listen(keyless.url('/?access_token=x'));
      assert.equal((await within(client.closed, 2_000, 'refusal')).code, 1011);
      assert.match(String(reported[0]), /key/);
    } finally {
      await keyless.close();
    }
  });
});
