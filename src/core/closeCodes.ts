import { invalid } from '../errors/AuthSocketError.ts';
import type { CloseCodeAction } from '../types.ts';
import { CLOSE_CODE } from '../wire.ts';
import { featureValue } from './features.ts';

/**
 * What a connection's close code means to the client. The policy in one place:
 *
 * | code            | meaning                                  | client does                           |
 * |-----------------|------------------------------------------|---------------------------------------|
 * | 4401, 1008      | the credential was refused               | fresh credential, retry; `unauthorized` after `maxFailures` |
 * | 4403            | forbidden: a new token will not help     | `unauthorized` at once                |
 * | 4000 (ours)     | heartbeat timeout or `reconnect()`       | retry at once                         |
 * | anything else   | the link went away (1000, 1001, 1006, …) | retry with backoff                    |
 *
 * `options.closeCodes` overrides the meaning of codes the server sends (never of
 * the client's own closes): `'retry'`, `'unauthorized'`, `'forbidden'`, `'fatal'`.
 */
export type CloseVerdict = 'auth-failure' | 'forbidden' | 'retry-now' | 'transient' | 'fatal';

/** Closed by the server: the credential was refused (also used by the client for a reject or ack timeout). */
export const UNAUTHORIZED = CLOSE_CODE.UNAUTHORIZED;
/** Closed by the server: forbidden. */
export const FORBIDDEN = CLOSE_CODE.FORBIDDEN;
/** Closed by this client to retry at once: heartbeat timeout or `reconnect()`. */
export const RETRY_NOW = 4000;
/** After a reject message, how long the server has to close with its own code (4403: forbidden) before the client closes with 4401. */
export const REJECT_CLOSE_WAIT = 1000;
/** Policy violation: servers use it for a refused first message. */
const POLICY_VIOLATION = CLOSE_CODE.POLICY_VIOLATION;

/** The user's `closeCodes`, checked: which verdict each listed server code gets. */
export type CloseCodeOverrides = ReadonlyMap<number, CloseVerdict>;

const ACTIONS: Record<CloseCodeAction, CloseVerdict> = {
  retry: 'transient',
  unauthorized: 'auth-failure',
  forbidden: 'forbidden',
  fatal: 'fatal',
};

/** Codes a browser reports but no server ever sends (RFC 6455 §7.4.1). */
const NEVER_SENT = [1005, 1006, 1015];

export function judgeClose(code: number, byClient: boolean, overrides?: CloseCodeOverrides): CloseVerdict {
  const chosen = byClient ? undefined : overrides?.get(code);
  if (chosen) return chosen;
  if (code === FORBIDDEN) return 'forbidden';
  if (code === UNAUTHORIZED || code === POLICY_VIOLATION) return 'auth-failure';
  if (code === RETRY_NOW && byClient) return 'retry-now';
  return 'transient';
}

/** Checks `options.closeCodes`: keys are close codes a server can send, values one of the four actions. */
export function checkCloseCodes(closeCodes: unknown): CloseCodeOverrides | undefined {
  if (closeCodes === undefined) return undefined;
  const bad = (detail: string) => invalid(process.env.NODE_ENV !== 'production' ? `closeCodes${detail}` : 'closeCodes');
  if (typeof closeCodes !== 'object' || closeCodes === null || Array.isArray(closeCodes)) {
    throw bad(": give an object, e.g. { 4400: 'fatal' }");
  }
  const overrides = new Map<number, CloseVerdict>();
  for (const [key, action] of Object.entries(closeCodes)) {
    const code = Number(key);
    if (!Number.isInteger(code) || code < 1000 || code > 4999 || NEVER_SENT.includes(code)) {
      throw bad(` key ${JSON.stringify(key)}: give 1000–4999, not 1005/1006/1015`);
    }
    if (typeof action !== 'string' || !Object.hasOwn(ACTIONS, action)) {
      throw bad(`[${code}] ${JSON.stringify(String(action))}: give one of ${Object.keys(ACTIONS).join(', ')}`);
    }
    overrides.set(code, ACTIONS[action as CloseCodeAction]);
  }
  return overrides;
}

/**
 * What an auth-failure error says comes next: giving up after `exhausted`
 * failures (0: not exhausted), not retrying (reconnect off or `maxRetries`
 * reached), or retrying — with a fresh credential only when there is a provider.
 */
export function afterAuthFailure(exhausted: number, stopping: boolean, provider: boolean): string {
  if (exhausted) return `giving up after ${exhausted} consecutive auth failures`;
  if (stopping) return 'not retrying';
  return provider ? 'retrying with a fresh credential' : 'retrying with the same token';
}

/**
 * `closeCodes` as a value (src/core/features.ts); the built-in table stays in the core.
 * @example
 * ```ts
 * new AuthSocket(url, { auth, closeCodes: closeCodes({ 4400: 'fatal', 4408: 'unauthorized' }) }); // authsocket/lite
 * ```
 */
export const closeCodesFeature = (codes: Record<number, CloseCodeAction>): CloseCodeOverrides => featureValue(checkCloseCodes(codes) ?? new Map());
