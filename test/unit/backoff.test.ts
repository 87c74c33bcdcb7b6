// Full-jitter backoff: the delay before retry n is uniform in
// [0, min(maxDelay, minDelay * factor^n)].
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../../src/core/backoff.ts';

const policy = { minDelay: 500, maxDelay: 30_000, factor: 2 };
const ceiling = (n: number) => Math.min(policy.maxDelay, policy.minDelay * policy.factor ** n);

test('random() = 1 gives the ceiling min(maxDelay, minDelay * factor^n)', () => {
  for (let n = 0; n < 12; n++) assert.equal(backoffDelay(policy, n, () => 1), ceiling(n), `n=${n}`);
  assert.deepEqual([0, 1, 2, 3, 6, 7, 20].map((n) => backoffDelay(policy, n, () => 1)), [500, 1000, 2000, 4000, 30_000, 30_000, 30_000]);
});

test('random() = 0 gives 0 at every n', () => {
  for (let n = 0; n < 12; n++) assert.equal(backoffDelay(policy, n, () => 0), 0, `n=${n}`);
});

test('the ceiling stays finite for very large n (capped, no NaN/Infinity)', () => {
  assert.equal(backoffDelay(policy, 5000, () => 1), 30_000);
  assert.equal(backoffDelay({ minDelay: 1, maxDelay: 5, factor: 1 }, 10, () => 1), 1, 'factor 1: constant ceiling');
});

test('the delay scales linearly with random() (uniform over the interval)', () => {
  assert.equal(backoffDelay(policy, 2, () => 0.5), 1000);
  assert.equal(backoffDelay(policy, 2, () => 0.25), 500);
});

test('Math.random: every sample is an integer within [0, ceiling], spread over the interval', () => {
  for (const n of [0, 3, 10]) {
    const max = ceiling(n);
    const samples = Array.from({ length: 4000 }, () => backoffDelay(policy, n));
    for (const delay of samples) {
      assert.ok(Number.isInteger(delay) && delay >= 0 && delay <= max, `n=${n}: ${delay}`);
    }
    // Uniform: mean near max/2, every quarter of the interval populated (not
    // clustered near the ceiling like exponential backoff without jitter).
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    assert.ok(Math.abs(mean - max / 2) < max * 0.05, `n=${n}: mean ${mean} vs ${max / 2}`);
    const quarters = [0, 0, 0, 0];
    for (const delay of samples) quarters[Math.min(3, Math.floor((delay / max) * 4))]! += 1;
    for (const count of quarters) assert.ok(count > samples.length * 0.18, `n=${n}: quarters ${quarters}`);
    assert.ok(new Set(samples).size > 50, 'many distinct delays');
  }
});
