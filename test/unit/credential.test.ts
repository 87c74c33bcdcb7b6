// fetchCredential: one call of the user's token provider per attempt, bounded
// in time, with failures reported as TOKEN_PROVIDER_FAILED that never quote the token.
import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import { TOKEN_PROVIDER_TIMEOUT, fetchCredential, refreshDelay, retireDelay } from '../../src/core/credential.ts';
import { AuthSocketError } from '../../src/errors/AuthSocketError.ts';

afterEach(() => mock.timers.reset());

const SECRET = 'sk_live_VERY_SECRET_0123456789';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}.c2lnbmF0dXJl`;

/** Asserts a TOKEN_PROVIDER_FAILED whose message does not quote `secret`. */
async function rejectsClean(promise: Promise<unknown>, secret = SECRET): Promise<AuthSocketError> {
  let caught: unknown;
  await promise.then(() => assert.fail('expected a rejection'), (error) => (caught = error));
  assert.ok(caught instanceof AuthSocketError, `not an AuthSocketError: ${caught}`);
  assert.equal(caught.code, 'TOKEN_PROVIDER_FAILED');
  assert.ok(!caught.message.includes(secret), `message quotes the secret: ${caught.message}`);
  assert.ok(!String(caught.stack).includes(secret), 'stack quotes the secret');
  return caught;
}

test('a string is used as is', async () => {
  const before = Date.now();
  const credential = await fetchCredential('plain-token');
  assert.equal(credential.token, 'plain-token');
  assert.equal(credential.expiresAt, undefined);
  assert.ok(credential.fetchedAt >= before && credential.fetchedAt <= Date.now());
});

test('a function returning a string (sync or async)', async () => {
  assert.equal((await fetchCredential(() => 'sync-token')).token, 'sync-token');
  assert.equal((await fetchCredential(async () => 'async-token')).token, 'async-token');
});

test('the provider is called once per fetch', async () => {
  let calls = 0;
  const provider = () => `t${++calls}`;
  assert.equal((await fetchCredential(provider)).token, 't1');
  assert.equal((await fetchCredential(provider)).token, 't2');
  assert.equal(calls, 2);
});

test('{ token, expiresAt } keeps the given expiry', async () => {
  const expiresAt = Date.now() + 60_000;
  const credential = await fetchCredential(async () => ({ token: 'obj-token', expiresAt }));
  assert.equal(credential.token, 'obj-token');
  assert.equal(credential.expiresAt, expiresAt);
});

test("a JWT's exp (seconds) becomes expiresAt (ms)", async () => {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  assert.equal((await fetchCredential(jwt({ sub: '1', exp }))).expiresAt, exp * 1000);
  assert.equal((await fetchCredential(() => ({ token: jwt({ exp }) }))).expiresAt, exp * 1000);
});

test('an explicit expiresAt wins over the JWT exp', async () => {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const credential = await fetchCredential(() => ({ token: jwt({ exp }), expiresAt: 123_456 }));
  assert.equal(credential.expiresAt, 123_456);
});

test('no expiry for JWTs without a numeric exp, and for non-JWTs', async () => {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const others = [jwt(null), jwt(exp), jwt([exp]), jwt({ exp: String(exp) }), jwt({ exp: null }), `${jwt({ exp })}.extra`, `x.${b64({ exp })}=.y`];
  for (const token of [jwt({ sub: '1' }), jwt({ exp: 'soon' }), 'a.b.c', 'a.b', 'opaque', `x.${b64('not json')}.y`, ...others]) {
    assert.equal((await fetchCredential(token)).expiresAt, undefined, token);
  }
});

test('a provider that throws → TOKEN_PROVIDER_FAILED without the token, cause kept', async () => {
  const original = new Error(`could not refresh ${SECRET}`);
  const error = await rejectsClean(fetchCredential(() => {
    throw original;
  }));
  assert.equal(error.cause, original, 'the original is reachable for debugging');
});

test('a provider that rejects → TOKEN_PROVIDER_FAILED without the token', async () => {
  await rejectsClean(fetchCredential(async () => {
    throw new Error(`HTTP 500 for token=${SECRET}`);
  }));
  await rejectsClean(fetchCredential(() => Promise.reject(SECRET)));
});

test('an empty or missing token → TOKEN_PROVIDER_FAILED', async () => {
  for (const bad of ['', { token: '' }, {}, null, undefined, 42, { token: 42 }]) {
    await rejectsClean(fetchCredential(() => bad as never));
  }
});

test('the default timeout is 10 s', () => {
  assert.equal(TOKEN_PROVIDER_TIMEOUT, 10_000);
});

test('a provider slower than the timeout → TOKEN_PROVIDER_FAILED (small timeout argument)', async () => {
  const started = Date.now();
  const error = await rejectsClean(fetchCredential(() => new Promise<string>(() => {}), 30));
  assert.match(error.message, /30 ms/);
  assert.ok(Date.now() - started < 2000);
});

test('a hanging provider fails after exactly 10 s by default (mock timers)', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  let settled: unknown;
  const result = fetchCredential(() => new Promise<string>(() => {})).then(
    () => (settled = 'resolved'),
    (error) => (settled = error),
  );
  await new Promise<void>((resolve) => queueMicrotask(resolve));
  mock.timers.tick(TOKEN_PROVIDER_TIMEOUT - 1);
  await Promise.resolve();
  assert.equal(settled, undefined, 'not before 10 s');
  mock.timers.tick(1);
  await result;
  const outcome = settled as unknown; // TS narrowed it to undefined above
  assert.ok(outcome instanceof AuthSocketError && outcome.code === 'TOKEN_PROVIDER_FAILED');
});

test('a provider that answers in time clears its timer (no late rejection)', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const credential = await fetchCredential(async () => 'quick');
  mock.timers.tick(TOKEN_PROVIDER_TIMEOUT * 2);
  assert.equal(credential.token, 'quick');
});

/** A credential fetched now that lives `lifetime` ms. */
const living = (lifetime: number) => ({ token: 't', fetchedAt: Date.now(), expiresAt: Date.now() + lifetime });
/** How long before expiry the refresh starts. */
const leadOf = (lifetime: number) => lifetime - refreshDelay(living(lifetime))!;
const about = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) <= 20, `${actual} ≈ ${expected}`);

test('refresh lead: 60 s, or 10% of the lifetime when shorter, but at least 5 s (half the lifetime below 10 s)', () => {
  about(leadOf(3_600_000), 60_000);
  about(leadOf(300_000), 30_000);
  about(leadOf(50_000), 5_000);
  // A 10 s token: 5 s before expiry (10% would be 1 s: too little for a
  // make-before-break refresh to confirm and switch before the server's expiry).
  about(leadOf(10_000), 5_000);
  about(leadOf(4_000), 2_000);
  assert.equal(refreshDelay({ token: 't', fetchedAt: Date.now(), expiresAt: undefined }), undefined);
  assert.equal(refreshDelay({ token: 't', fetchedAt: Date.now() - 10, expiresAt: Date.now() - 1 }), undefined);
});

test('a replaced connection lingers 1 s, but closes 1 s (at most half the time left) before its credential expires', () => {
  assert.equal(retireDelay(undefined, 1000), 1000);
  assert.equal(retireDelay({ token: 't', fetchedAt: Date.now(), expiresAt: undefined }, 1000), 1000);
  assert.equal(retireDelay(living(60_000), 1000), 1000);
  about(retireDelay(living(3_000), 1000), 1000);
  about(retireDelay(living(1_500), 1000), 750);
  about(retireDelay(living(800), 1000), 400);
  assert.equal(retireDelay({ token: 't', fetchedAt: Date.now() - 10, expiresAt: Date.now() - 1 }, 1000), 1000, 'already expired: the server does not enforce it');
});
