import { AuthSocketError, fail } from '../errors/AuthSocketError.ts';
import type { InBandAuth } from '../carriers/carrier.ts';
import type { AuthOptions, Frame } from '../types.ts';
import { hasType } from './codec.ts';
import { UNAUTHORIZED } from './closeCodes.ts';
import type { Link, PendingVerdict } from './session.ts';
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
export class VerdictWait implements PendingVerdict {
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
    ? fail('AUTH_TIMEOUT', `no auth answer within ${timeout} ms; ${next}`)
    : verdict === 'reject'
      ? fail('AUTH_REJECTED', `auth message rejected; ${next}`)
      : fail('CONNECTION_FAILED', 'ended during authentication');
}

/**
 * Sends the in-band auth frame for `token` on `link` (replacing a pending
 * wait) and reports the server's verdict, or a timeout, once. `live`: a
 * re-authentication on an authenticated connection (see {@link VerdictWait}).
 */
function awaitVerdict(link: Link, handshake: Pick<InBandAuth, 'frame' | 'verdict' | 'timeout'>, token: string, toFrame: (msg: unknown) => Frame, onVerdict: (verdict: Verdict) => void, live = false): void {
  link.verdictWait?.end();
  link.verdictWait = new VerdictWait(handshake, token, (frame) => link.transport.send(frame), toFrame, (verdict) => {
    link.verdictWait = undefined;
    onVerdict(verdict);
  }, live);
}

/** After a reject message, how long the server has to close with its own code (4403: forbidden) before the client closes with 4401. */
const REJECT_CLOSE_WAIT = 1000;

/**
 * A refused or unanswered credential fails `link`'s attempt. After a reject the
 * server gets {@link REJECT_CLOSE_WAIT} to close with its own code (4403 is
 * forbidden: no retry); without that the client closes with 4401 itself. The
 * error to emit is left on the link for when its end is handled, once it is
 * known whether the client retries; the one returned is for the caller.
 * `waited`: the close was already awaited (a re-authentication's reject).
 */
function failAuth(link: Link, verdict: Exclude<Verdict, 'ack'>, timeout: number, waited = false): AuthSocketError {
  if (verdict !== 'ended') {
    link.authError = (next) => verdictError(verdict, timeout, next);
    if (verdict === 'reject') {
      link.rejected = true;
      link.rejectTimer = setTimeout(() => link.transport.drop(UNAUTHORIZED, 'auth rejected'), waited ? 0 : REJECT_CLOSE_WAIT);
    } else link.transport.drop(UNAUTHORIZED, 'auth timeout');
  }
  return verdictError(verdict, timeout, 'this connection ends');
}

/**
 * The in-band handshake of the message carrier and of `auth.ack`: how to read
 * the server's verdict (`auth.isAck`, default `type === 'auth_ok'`;
 * `auth.isReject`, default `type === 'auth_error'`) within `auth.timeout`
 * (default 10 s), and the wait for it. With `frame`, the client sends it first.
 */
export function createHandshake(auth: AuthOptions<any, any>, frame?: (token: string) => unknown): InBandAuth {
  const timeout = auth.timeout ?? 10_000;
  if (!(timeout > 0)) throw fail('INVALID_OPTIONS', 'auth.timeout: give ms > 0');
  const isAck = auth.isAck ?? ((msg: unknown) => hasType(msg, AUTH_FRAME.OK));
  const isReject = auth.isReject ?? ((msg: unknown) => hasType(msg, AUTH_FRAME.ERROR));
  const handshake: InBandAuth = {
    ...(frame ? { frame } : {}),
    verdict: (msg) => (isAck(msg) ? 'ack' : isReject(msg) ? 'reject' : undefined),
    timeout,
    awaitVerdict: (link, token, toFrame, onVerdict, live) => awaitVerdict(link, handshake, token, toFrame, onVerdict, live),
    failAuth: (link, verdict, waited) => failAuth(link, verdict, timeout, waited),
    verdictError: (verdict, next) => verdictError(verdict, timeout, next),
  };
  return handshake;
}
