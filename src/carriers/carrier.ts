import type { AttemptPlan, Verdict } from '../wire.ts';
import type { AuthSocketError } from '../errors/AuthSocketError.ts';
import type { AuthOptionsBase, CarrierName, Frame, WebSocketConstructorLike } from '../types.ts';

export type { AttemptPlan };

/** The attempt's plan: the target as is, or a copy of its URL changed by `edit` (query, basic). */
export function planFor({ url, protocols }: AttemptTarget, edit?: (copy: URL) => void): AttemptPlan {
  const copy = new URL(url);
  edit?.(copy);
  return { url: copy.href, protocols: [...protocols] };
}

/** The credential-free target every attempt starts from. */
export interface AttemptTarget {
  url: URL;
  protocols: readonly string[];
}

/** One pending wait for the server's verdict on a credential. */
export interface VerdictWaiting {
  /** Reads an incoming message; `true` when it was a verdict (not delivered). */
  read(msg: unknown): boolean;
  /** The connection ended: settles as `'ended'` if still pending. */
  end(): void;
  /** A reject awaits its close: nothing may be written meanwhile. */
  readonly holding: boolean;
  /** A reject arrived. */
  readonly rejected: boolean;
}

/** After open, before `open`: the auth frame (message carrier) and how to read the server's answer. */
export interface InBandAuth {
  /** The auth frame; a string goes out as is, anything else through the codec. Absent for `auth.ack` (nothing is sent). */
  frame?(token: string): unknown;
  /** Reads a server message while an ack is awaited. */
  verdict(message: unknown): 'ack' | 'reject' | undefined;
  /** ms to wait for the verdict. */
  timeout: number;
  /**
   * Sends the auth frame for `token` (when there is one) with `send` and
   * reports the server's verdict once. `live`: a re-authentication on an
   * authenticated connection, where a reject counts once the server closes.
   * Carried by the handshake so that only apps with one (the message carrier,
   * `auth.ack`) bundle the wait.
   */
  wait(token: string, send: (frame: Frame) => boolean, toFrame: (msg: unknown) => Frame, onVerdict: (verdict: Verdict) => void, live?: boolean): VerdictWaiting;
  /** What a verdict other than an ack means; `next` says what happens now. */
  error(verdict: Exclude<Verdict, 'ack'>, next: string): AuthSocketError;
}

/**
 * How a credential travels. A carrier prepares each attempt, may authenticate
 * in-band after open, and cleans up once the handshake settled.
 */
export interface Carrier {
  readonly name: CarrierName;
  /** Awaited right before `prepare`: waits until `attempt` may write what `prepare` writes (held until `settle(attempt)`). */
  acquire?(attempt: object): Promise<void>;
  /** `attempt` names the attempt (its connection), as given to `acquire` and `settle`; needed by carriers with `acquire`. */
  prepare(token: string, target: AttemptTarget, attempt?: object): AttemptPlan;
  /** Throws `TOKEN_PROVIDER_FAILED` when the credential cannot travel by this carrier at all (checked in `prepare` too). */
  fits?(token: string): void;
  /**
   * `attempt`'s handshake settled (opened or failed): undo what its `prepare`
   * left behind. A no-op for an attempt with nothing pending (already settled).
   */
  settle?(attempt: object): void;
  /** Present when the server expects the credential in the first message. */
  inBand?: InBandAuth;
}

/** What a carrier may check at construction time. */
export interface CarrierContext {
  /** `auth`, whichever entry's vocabulary `via` and `ack` are in (carriers read neither, except to name them). */
  auth: Omit<AuthOptionsBase<any, any>, 'ack'> & { via?: unknown };
  url: URL;
  WebSocket: WebSocketConstructorLike | undefined;
  /** ms an attempt may take to open (bounds what `acquire` holds). */
  connectionTimeout?: number;
}
