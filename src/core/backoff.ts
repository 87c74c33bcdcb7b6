/** Backoff settings, all in ms except `factor`. */
export interface BackoffPolicy {
  minDelay: number;
  maxDelay: number;
  factor: number;
}

/**
 * Full jitter: the delay before retry `n` (0-based count of consecutive
 * failures) is uniform in `[0, min(maxDelay, minDelay * factor^n)]`, so that
 * clients dropped together do not come back together.
 */
export function backoffDelay(policy: BackoffPolicy, n: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelay, policy.minDelay * policy.factor ** n);
  return Math.round(random() * ceiling);
}
