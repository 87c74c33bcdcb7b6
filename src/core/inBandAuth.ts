import { AuthSocketError, fail } from '../errors/AuthSocketError.ts';
import type { InBandAuth } from '../carriers/carrier.ts';
import type { Frame } from '../types.ts';

/** How a wait for the server's verdict on a credential ended. */
export type Verdict = 'ack' | 'reject' | 'timeout' | 'ended';

/**
 * One wait for the server's verdict on a connection's credential: an auth frame
 * (when the handshake has one) and then its ack or reject, within `timeout`.
 * It settles exactly once; frames that are not a verdict are left to the caller.
 */
export class VerdictWait {
  readonly #handshake: InBandAuth;
  readonly #onVerdict: (verdict: Verdict) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #settled = false;

  /**
   * @param send - writes a frame on the connection; `false` when it cannot (the wait ends at once)
   * @param toFrame - turns the handshake's auth message into a frame
   */
  constructor(
    handshake: InBandAuth,
    token: string,
    send: (frame: Frame) => boolean,
    toFrame: (msg: unknown) => Frame,
    onVerdict: (verdict: Verdict) => void,
  ) {
    this.#handshake = handshake;
    this.#onVerdict = onVerdict;
    this.#timer = setTimeout(() => this.#settle('timeout'), handshake.timeout);
    if (handshake.frame && !send(toFrame(handshake.frame(token)))) this.#settle('ended');
  }

  get pending(): boolean {
    return !this.#settled;
  }

  /** Reads an incoming message; `true` when it was the verdict (it is not delivered). */
  read(msg: unknown): boolean {
    if (this.#settled) return false;
    const verdict = this.#handshake.verdict(msg);
    if (!verdict) return false;
    this.#settle(verdict);
    return true;
  }

  /** The connection ended: settles as `'ended'` if still pending. */
  end(): void {
    this.#settle('ended');
  }

  #settle(verdict: Verdict): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#onVerdict(verdict);
  }
}

/** What a verdict other than an ack means; `next` says what happens now. */
export function verdictError(verdict: Exclude<Verdict, 'ack'>, timeout: number, next: string): AuthSocketError {
  return verdict === 'timeout'
    ? fail('AUTH_TIMEOUT', `no auth answer within ${timeout} ms; ${next}`)
    : verdict === 'reject'
      ? fail('AUTH_REJECTED', `auth message rejected; ${next}`)
      : fail('CONNECTION_FAILED', 'ended during authentication');
}
