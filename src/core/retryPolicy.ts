import { afterAuthFailure, type CloseCodeOverrides, type CloseVerdict, judgeClose } from './closeCodes.ts';
import { backoffDelay } from './backoff.ts';
import type { ResolvedReconnect } from './options.ts';
import type { Ending } from '../wire.ts';

/** The instance's settings the policy applies. */
export interface RetryRules {
  reconnect: ResolvedReconnect;
  maxFailures: number;
  closeCodes: CloseCodeOverrides | undefined;
  /** A token provider (not a fixed string): a retry gets a fresh credential. */
  provider: boolean;
}

/** Why a session stops instead of retrying. */
export type Stop = 'unauthorized' | 'fatal' | 'retries';

/** What the end of a connection means for the session. */
export interface EndingDecision {
  verdict: CloseVerdict;
  /** The server refused the connection: what was sent on it never reached the application. */
  refused: boolean;
  /** Set when the session stops here. */
  stop: Stop | undefined;
  /** An auth failure: what its error says comes next. */
  next: string | undefined;
  /** This ending completes `hintAfter` attempts in a row that never opened. */
  hintDue: boolean;
}

/**
 * The retry policy of one session (docs/reconnect.md "Reconnect, re-authentication and
 * close codes"): the counters that drive backoff, `maxRetries`,
 * `auth.maxFailures` and the never-opened hint, and what each ending means.
 */
export class RetryPolicy {
  /** Consecutive failed attempts: the backoff exponent; reset once a connection stayed up `minUptime`. */
  #retries = 0;
  /** Consecutive auth failures; reset when an attempt is confirmed. */
  #authFailures = 0;
  /** Consecutive attempts that never opened, for the hint. */
  #unopened = 0;

  readonly #rules: RetryRules;

  constructor(rules: RetryRules) {
    this.#rules = rules;
  }

  judgeClose(code: number, local: boolean): CloseVerdict {
    return judgeClose(code, local, this.#rules.closeCodes);
  }

  /** `rejected`: the server refused the credential by message before this ending. */
  judge(ending: Ending, rejected: boolean): EndingDecision {
    let verdict = this.judgeClose(ending.code, ending.local);
    // After a reject message the server's own close says how (4403: forbidden); any other code is still a refusal.
    if (rejected && !ending.local && (verdict === 'transient' || verdict === 'retry-now')) verdict = 'auth-failure';
    let stop: Stop | undefined = verdict === 'forbidden' ? 'unauthorized' : verdict === 'fatal' ? 'fatal' : undefined;
    let next: string | undefined;
    if (verdict === 'auth-failure') {
      const exhausted = ++this.#authFailures >= this.#rules.maxFailures;
      stop = exhausted ? 'unauthorized' : this.canRetry() ? undefined : 'retries';
      next = afterAuthFailure(exhausted ? this.#authFailures : 0, Boolean(stop), this.#rules.provider);
    }
    if (!ending.opened) this.#unopened += 1;
    if (!stop && !this.canRetry()) stop = 'retries';
    return {
      verdict,
      refused: verdict === 'auth-failure' || verdict === 'forbidden',
      stop,
      next,
      hintDue: !ending.opened && this.#unopened === this.#rules.reconnect.hintAfter,
    };
  }

  /**
   * An attempt that failed before its socket: the token provider could not
   * reach its server. It counts toward the never-opened hint like a dead
   * WebSocket endpoint; `true` when the hint is due now.
   */
  unreachable(): boolean {
    this.#unopened += 1;
    return this.#unopened === this.#rules.reconnect.hintAfter;
  }

  /** Retries made since the backoff last started over. */
  get retries(): number {
    return this.#retries;
  }

  /** Consecutive auth failures. */
  get authFailures(): number {
    return this.#authFailures;
  }

  /** Consecutive attempts that never opened. */
  get unopened(): number {
    return this.#unopened;
  }

  /** A socket opened: the never-opened count starts over. */
  opened(): void {
    this.#unopened = 0;
  }

  /** The server accepted an attempt: the auth-failure count starts over. */
  confirmed(): void {
    this.#authFailures = 0;
  }

  /** A connection stayed open `minUptime`: the backoff and `maxRetries` start over. */
  stayedUp(): void {
    this.#retries = 0;
  }

  /** Whether another attempt may follow (reconnect on, `maxRetries` not reached). */
  canRetry(): boolean {
    return this.#rules.reconnect.enabled && this.#retries < this.#rules.reconnect.maxRetries;
  }

  /** The delay before the next attempt (full jitter), counted as a retry. */
  nextDelay(immediately: boolean): number {
    const delay = immediately ? 0 : backoffDelay(this.#rules.reconnect, this.#retries);
    this.#retries += 1;
    return delay;
  }
}
