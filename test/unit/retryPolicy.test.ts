// The retry policy alone: what each ending means, and the counters behind
// backoff, maxRetries, auth.maxFailures and the never-opened hint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveReconnect } from '../../src/core/options.ts';
import { RetryPolicy, type RetryRules } from '../../src/core/retryPolicy.ts';
import type { Ending } from '../../src/core/transport.ts';

const rules = (over: Partial<RetryRules> = {}): RetryRules => ({
  reconnect: resolveReconnect({ maxRetries: 5, hintAfter: 2 }),
  maxFailures: 3,
  closeCodes: undefined,
  provider: true,
  ...over,
});
const ending = (code: number, over: Partial<Ending> = {}): Ending => ({ code, reason: '', wasClean: true, opened: true, local: false, ...over });

test('4401 is an auth failure: resent queue, retried with a fresh credential, then unauthorized after maxFailures', () => {
  const policy = new RetryPolicy(rules());
  const first = policy.judge(ending(4401), false);
  assert.deepEqual(first, { verdict: 'auth-failure', refused: true, stop: undefined, next: 'retrying with a fresh credential', hintDue: false });
  policy.judge(ending(4401), false);
  const third = policy.judge(ending(1008), false);
  assert.equal(third.stop, 'unauthorized');
  assert.equal(third.next, 'giving up after 3 consecutive auth failures');
  assert.equal(policy.authFailures, 3);
});

test('a fixed string token retries "with the same token"', () => {
  assert.equal(new RetryPolicy(rules({ provider: false })).judge(ending(4401), false).next, 'retrying with the same token');
});

test('4403 stops at once; a transient close does not count as an auth failure', () => {
  const policy = new RetryPolicy(rules());
  assert.deepEqual(policy.judge(ending(4403), false), { verdict: 'forbidden', refused: true, stop: 'unauthorized', next: undefined, hintDue: false });
  assert.equal(policy.judge(ending(1001), false).stop, undefined);
  assert.equal(policy.authFailures, 0);
});

test('after a reject message any server close is a refusal, 4403 still forbidden; the client\'s own close is not', () => {
  const policy = new RetryPolicy(rules());
  assert.equal(policy.judge(ending(1000), true).verdict, 'auth-failure');
  assert.equal(policy.judge(ending(4403), true).verdict, 'forbidden');
  assert.equal(policy.judge(ending(4000, { local: true }), true).verdict, 'retry-now');
});

test('closeCodes overrides apply to server closes only; fatal stops', () => {
  const policy = new RetryPolicy(rules({ closeCodes: new Map([[4400, 'fatal'], [4000, 'auth-failure']]) }));
  assert.equal(policy.judge(ending(4400), false).stop, 'fatal');
  assert.equal(policy.judge(ending(4000, { local: true }), false).verdict, 'retry-now');
});

test('maxRetries: nextDelay counts retries; the ending after the last one stops with "retries"', () => {
  const policy = new RetryPolicy(rules());
  for (let i = 0; i < 5; i += 1) {
    assert.equal(policy.judge(ending(1006, { opened: false }), false).stop, undefined);
    const delay = policy.nextDelay(false);
    assert.ok(delay >= 0 && delay <= Math.min(30_000, 500 * 2 ** i), `delay ${delay} within full jitter of retry ${i}`);
  }
  assert.equal(policy.canRetry(), false);
  assert.equal(policy.judge(ending(1006), false).stop, 'retries');
  assert.equal(policy.nextDelay(true), 0, 'retry now: no delay');
});

test('reconnect: false stops at the first ending', () => {
  const policy = new RetryPolicy(rules({ reconnect: resolveReconnect(false) }));
  assert.equal(policy.judge(ending(1006), false).stop, 'retries');
  assert.equal(policy.judge(ending(4401), false).next, 'not retrying');
});

test('the hint is due once, at exactly hintAfter attempts in a row that never opened', () => {
  const policy = new RetryPolicy(rules());
  assert.equal(policy.judge(ending(1006, { opened: false }), false).hintDue, false);
  assert.equal(policy.judge(ending(1006, { opened: false }), false).hintDue, true);
  assert.equal(policy.judge(ending(1006, { opened: false }), false).hintDue, false);
  assert.equal(policy.judge(ending(1006, { opened: true }), false).hintDue, false);
});
