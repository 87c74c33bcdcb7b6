/**
 * What a connection's close code means to the client. The policy in one place:
 *
 * | code            | meaning                                  | client does                           |
 * |-----------------|------------------------------------------|---------------------------------------|
 * | 4401, 1008      | the credential was refused               | fresh credential, retry; `unauthorized` after `maxFailures` |
 * | 4403            | forbidden: a new token will not help     | `unauthorized` at once                |
 * | 4000 (ours)     | heartbeat timeout or `reconnect()`       | retry at once                         |
 * | anything else   | the link went away (1000, 1001, 1006, …) | retry with backoff                    |
 */
export type CloseVerdict = 'auth-failure' | 'forbidden' | 'retry-now' | 'transient';

/** Closed by the server: the credential was refused (also used by the client for a reject or ack timeout). */
export const UNAUTHORIZED = 4401;
/** Closed by the server: forbidden. */
export const FORBIDDEN = 4403;
/** Closed by this client to retry at once: heartbeat timeout or `reconnect()`. */
export const RETRY_NOW = 4000;
/** Policy violation: servers use it for a refused first message. */
const POLICY_VIOLATION = 1008;

export function judgeClose(code: number, byClient: boolean): CloseVerdict {
  if (code === FORBIDDEN) return 'forbidden';
  if (code === UNAUTHORIZED || code === POLICY_VIOLATION) return 'auth-failure';
  if (code === RETRY_NOW && byClient) return 'retry-now';
  return 'transient';
}
