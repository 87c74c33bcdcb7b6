import { AuthSocketError, type AuthSocketErrorCode } from '../errors/AuthSocketError.ts';
import type { SessionState } from '../core/features.ts';
import type { AuthSocketEvents, Frame, State } from '../types.ts';

/** An `open` event's payload. */
export type OpenEvent = AuthSocketEvents<unknown>['open'];

/** An error as it crosses the channel (an `AuthSocketError` does not survive structured cloning). */
export interface RelayedError {
  code: AuthSocketErrorCode;
  message: string;
}

// Message kinds: small numbers, a byte each on the wire and in the bundle.
// The leader posts 0–4 and 9–11 (the `resume` session), followers 5–8.
export const LEAD = 0;
export const STATUS = 1;
export const EVENT = 2;
export const WROTE = 3;
export const DONE = 4;
export const HELLO = 5;
export const SEND = 6;
export const ASK = 7;
export const BYE = 8;
export const KEPT = 9;
export const ACKED = 10;
export const SESSION = 11;
export const SETTLED = 12;

/** A follower's request, done by the leader on the shared connection. */
export type Ask = 'open' | 'reconnect' | 'reauthenticate';

/**
 * What the instances of one tab group say to each other over their
 * `BroadcastChannel` (every instance hears every message). `to`: the instance a
 * reply is for (the others ignore it); `from`: the follower that posted.
 */
export type Relayed =
  /** A new leader holds the lock: whatever the previous one had is gone. */
  | { k: typeof LEAD }
  /** The leader's answer to `HELLO` (`session`: its `resume` session). */
  | { k: typeof STATUS; to: string; state: State; attempt: number; openPayload?: OpenEvent | undefined; session?: SessionState | undefined }
  /**
   * One event of the leader's, for every follower to emit as its own; a
   * `message` of a `resume` session carries its number `n` (a follower skips
   * what it has: a new leader may replay what the previous one relayed).
   */
  | { k: typeof EVENT; type: string; payload: unknown; n?: number | undefined }
  /** The leader wrote the follower's frames up to `seq` to the socket. */
  | { k: typeof WROTE; to: string; seq: number }
  /** The leader's `reauthenticate()` for the follower's ask number `n` settled. */
  | { k: typeof DONE; to: string; n: number; error?: RelayedError }
  /** A follower joined and asks for the leader's state. */
  | { k: typeof HELLO; from: string }
  /**
   * A follower's frame number `seq`; `base` is its oldest frame not yet
   * confirmed, where a new leader starts counting.
   */
  | { k: typeof SEND; from: string; seq: number; base: number; frame: Frame }
  | { k: typeof ASK; from: string; n: number; op: Ask }
  /** A follower left the group. */
  | { k: typeof BYE; from: string }
  /**
   * The leader's `resume` session, as every tab keeps a copy to continue it
   * should it lead: a frame numbered and kept, the server's acknowledgement,
   * and the whole session at each answer (`undefined`: it ended).
   */
  | { k: typeof KEPT; frame: Frame }
  | { k: typeof ACKED; n: number }
  | { k: typeof SESSION; session: SessionState | undefined }
  /**
   * An instance that won the leader's lock posts this to itself from a second
   * channel object: the browser forwards a channel's messages in the order it
   * got them, so once it arrives, everything the previous leader posted
   * before its page went has arrived too.
   */
  | { k: typeof SETTLED; to: string };

/** One kind of message, by its `k`. */
export type RelayedOf<K extends Relayed['k']> = Extract<Relayed, { k: K }>;

/** The group's channel: `receive` gets what the others post (post typed messages with `postMessage`). */
export function openRelay(name: string, receive: (message: Relayed) => void): BroadcastChannel {
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event: MessageEvent<Relayed>) => receive(event.data);
  return channel;
}

/** An error as it crosses the channel (structured clone keeps neither the class nor `code`). */
export const toWire = ({ code, message }: AuthSocketError): RelayedError => ({ code, message });

/** The relayed error, an `AuthSocketError` again on this side. */
export const fromWire = ({ code, message }: RelayedError): AuthSocketError => new AuthSocketError(code, message);
