import { type AuthSocketError, fail } from '../errors/AuthSocketError.ts';
import type { InBandAuth } from '../carriers/carrier.ts';
import type { AuthOptionsBase, Frame } from '../types.ts';
import { hasType } from './codec.ts';
import { REJECT_CLOSE_WAIT } from './closeCodes.ts';
import { AUTH_FRAME, type Verdict } from '../wire.ts';

/** How a wait for the server's verdict on a credential ended. */
export type { Verdict };

/**
 * One wait for the server's verdict on a connection's credential: an auth frame
 * (when the handshake has one) and then its ack or reject, within `timeout`.
 * It settles exactly once; frames that are not a verdict are left to the caller.
 *
 * A re-authentication on a live connection (`settledByClose`) takes one verdict
 * per request, in turn: app frames may arrive there too, and one relayed from
 * another user can look like a verdict. A gate that refuses the new credential
 * answers `auth_error` and closes, so a reject counts only once the server
 * closes, or when no ack follows within {@link REJECT_CLOSE_WAIT}; an ack in the
 * meantime is the server's answer and the reject before it was no verdict.
 * Until then nothing is written (`holding`).
 */
export class VerdictWait {
  readonly #handshake: Pick<InBandAuth, 'frame' | 'verdict' | 'timeout'>;
  readonly #onVerdict: (verdict: Verdict) => void;
  readonly #settledByClose: boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #settled = false;
  #rejectSeen = false;

  /**
   * @param send - writes a frame on the connection; `false` when it cannot (the wait ends at once)
   * @param toFrame - turns the handshake's auth message into a frame
   */
  constructor(
    handshake: Pick<InBandAuth, 'frame' | 'verdict' | 'timeout'>,
    token: string,
    send: (frame: Frame) => boolean,
    toFrame: (msg: unknown) => Frame,
    onVerdict: (verdict: Verdict) => void,
    settledByClose = false,
  ) {
    this.#handshake = handshake;
    this.#onVerdict = onVerdict;
    this.#settledByClose = settledByClose;
    this.#timer = setTimeout(() => this.#settle('timeout'), handshake.timeout);
    if (handshake.frame && !send(toFrame(handshake.frame(token)))) this.#settle('ended');
  }

  get pending(): boolean {
    return !this.#settled;
  }

  /** A reject arrived and its close is awaited: nothing may be written meanwhile. */
  get holding(): boolean {
    return this.#rejectSeen && !this.#settled;
  }

  /** A reject arrived (whatever came after it). */
  get rejected(): boolean {
    return this.#rejectSeen;
  }

  /** Reads an incoming message; `true` when it was a verdict (it is not delivered). */
  read(msg: unknown): boolean {
    if (this.#settled) return false;
    const verdict = this.#handshake.verdict(msg);
    if (!verdict) return false;
    if (verdict === 'reject' && this.#settledByClose) {
      if (!this.#rejectSeen) {
        this.#rejectSeen = true;
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#settle('reject'), REJECT_CLOSE_WAIT);
      }
      return true;
    }
    this.#settle(verdict);
    return true;
  }

  /** The connection ended: settles as `'ended'` if still pending ({@link rejected} says whether a reject came first). */
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
function verdictError(verdict: Exclude<Verdict, 'ack'>, timeout: number, next: string): AuthSocketError {
  return verdict === 'timeout'
    ? fail('AUTH_TIMEOUT', process.env.NODE_ENV !== 'production' ? `no auth answer within ${timeout} ms; ${next}` : `${timeout} ms`)
    : verdict === 'reject'
      ? fail('AUTH_REJECTED', process.env.NODE_ENV !== 'production' ? `auth message rejected; ${next}` : 'reject')
      : fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? 'ended during authentication' : 'ended');
}

/**
 * The in-band handshake of the message carrier and of `auth.ack`: how to read
 * the server's verdict (`auth.isAck`, default `type === 'auth_ok'`;
 * `auth.isReject`, default `type === 'auth_error'`) within `auth.timeout`
 * (default 10 s), and the wait for it. With `frame`, the client sends it first.
 */
export function createHandshake(auth: Omit<AuthOptionsBase<any, any>, 'ack'>, frame?: (token: string) => unknown): InBandAuth {
  const timeout = auth.timeout ?? 10_000;
  if (!(timeout > 0)) throw fail('INVALID_OPTIONS', process.env.NODE_ENV !== 'production' ? 'auth.timeout: give ms > 0' : 'auth.timeout');
  const isAck = auth.isAck ?? ((msg: unknown) => hasType(msg, AUTH_FRAME.OK));
  const isReject = auth.isReject ?? ((msg: unknown) => hasType(msg, AUTH_FRAME.ERROR));
  const handshake: InBandAuth = {
    ...(frame ? { frame } : {}),
    verdict: (msg) => (isAck(msg) ? 'ack' : isReject(msg) ? 'reject' : undefined),
    timeout,
    wait: (token, send, toFrame, onVerdict, live) => new VerdictWait(handshake, token, send, toFrame, onVerdict, live),
    error: (verdict, next) => verdictError(verdict, timeout, next),
  };
  return handshake;
}
