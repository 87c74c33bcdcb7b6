import { type AuthSocketError, invalid } from '../errors/AuthSocketError.ts';
import type { Frame } from '../types.ts';
import type { Ending } from '../wire.ts';

/**
 * `live`: the client's connection; `candidate`: a make-before-break connection
 * not switched to yet; `retired`: replaced by a candidate, closing soon.
 */
export type Role = 'live' | 'candidate' | 'retired';

/** What a feature sees of an attempt (src/core/attempt.ts). */
export interface AttemptHandle {
  readonly role: Role;
  /** Writes a frame on this attempt's socket now; `false` when it cannot (the caller keeps it). */
  send(frame: Frame): boolean;
}

/** What a feature adds to the `open` event (`resume`: `session`). */
export type OpenExtra = Record<string, unknown>;

/**
 * A feature that takes part in every attempt: the extension point of features
 * that speak on the connection itself (`resume`). Every hook is optional.
 * Once, when the client is made:
 *
 * - `keeps(queueMax, url)`: the feature keeps frames of its own that count against
 *   `queue.max` with the queue; it returns how many it keeps now (`url`: the
 *   socket's, e.g. to name what it stores).
 *
 * For each attempt, in this order:
 *
 * 1. `offer` while the attempt is planned: subprotocol entries appended to its
 *    offer (`offered`: the app's protocols and the carrier's entry so far);
 * 2. `opened` when its socket opened (before the handshake);
 * 3. `receive` with every incoming frame, before anything else reads it
 *    (decoding, the handshake, the heartbeat): the frame to read on (itself,
 *    or what it wraps), or `undefined` to consume it (a control frame, or one
 *    already delivered: never counted as a message, never delivered);
 * 4. `admit` once the server accepted the credential and before `setup`:
 *    `open` waits until the feature calls `proceed` (e.g. on its answer frame,
 *    which `receive` saw), whose argument joins the `open` payload and which
 *    confirms the attempt like an ack; `fail` fails the attempt like a failed `setup`;
 * 5. `write` with every application frame the client writes on the attempt
 *    (`setup`'s too; never the auth frame or pings): the feature writes it
 *    itself with {@link AttemptHandle.send} (numbered, kept until the server
 *    acknowledged it) and says whether it went out (`false`: the client keeps it queued);
 * 6. `ended` when the attempt ended, whatever ended it.
 *
 * And `closing` when the app calls `close()`, before the close frame.
 */
export interface AttemptFeature {
  keeps?(queueMax: number, url: string): () => number;
  /** The session the feature keeps across connections, for a tab group to carry across a change of leader (`resume`). */
  shared?(): SharedSession;
  offer?(attempt: AttemptHandle, offered: readonly string[]): string[];
  opened?(attempt: AttemptHandle): void;
  receive?(attempt: AttemptHandle, data: string | ArrayBuffer): string | ArrayBuffer | undefined;
  admit?(attempt: AttemptHandle, proceed: (extra?: OpenExtra) => void, fail: (error: AuthSocketError) => void): void;
  write?(attempt: AttemptHandle, frame: Frame): boolean;
  ended?(attempt: AttemptHandle, ending: Ending | undefined): void;
  closing?(): void;
}

/** A session as it crosses to other tabs (structured-cloneable): see {@link SharedSession}. */
export interface SessionState {
  id: string;
  /** App frames delivered so far. */
  received: number;
  /** App frames sent so far; the kept ones are the last `kept.length`. */
  sent: number;
  /** Sent and not acknowledged by the server yet. */
  kept: Frame[];
}

/** What the tab group's leader hears of its session, to pass on. */
export interface SessionWatcher {
  /** A frame was numbered and kept (`sent` + 1). */
  kept(frame: Frame): void;
  /** The server acknowledged `n` frames. */
  acknowledged(n: number): void;
  /** The server answered (the whole state, resent frames included), or the session ended (`undefined`). */
  answered(state: SessionState | undefined): void;
}

/**
 * A session that outlives connections (`resume`), as a tab group shares it:
 * the leader reports each change to the other tabs, each keeps a copy, and a
 * new leader continues from its copy, so that nothing is lost or sent twice
 * across a change of leader.
 */
export interface SharedSession {
  /** The session now; `undefined` before the server's first answer. */
  state(): SessionState | undefined;
  /** App frames delivered so far (each relayed message carries it: a tab skips what it has). */
  readonly received: number;
  /** A new leader, before it connects: continue `state` (`undefined`: start a new session). */
  take(state: SessionState | undefined): void;
  watch(watcher: SessionWatcher | undefined): void;
  /** The next `close()` leaves the session to another tab: it is not ended at the server. */
  handOver(): void;
}

/**
 * Optional features are values inside the client: each feature's function
 * (`heartbeat({ … })`, `setup(fn)`, …; the lite entry exports them, the main
 * entry calls them on its plain options in src/full.ts) checks the option
 * once and returns what the core runs. The core accepts only values such a
 * function made, so that a plain value where a feature's value belongs is a
 * clear `INVALID_OPTIONS`, not a failure later on.
 */
const made = new WeakSet<object>();
/** Values that take part in every attempt; the core finds them among the options. */
const onAttempts = new WeakSet<object>();

/** Marks `value` as made by its feature's function. */
export const featureValue = <T extends object>(value: T): T => {
  made.add(value);
  return value;
};

/**
 * A feature that speaks on the connection (see {@link AttemptFeature}): its
 * option value needs no code in the core, which hands every such value among
 * the options to each attempt.
 */
export const attemptFeature = <T extends AttemptFeature>(value: T): T => {
  onAttempts.add(value);
  return featureValue(value);
};

/**
 * Option `name` as its feature made it; `undefined` when not set.
 * @throws {@link AuthSocketError} `INVALID_OPTIONS` for a value no feature made
 */
export function optionValue<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && !made.has(value as object)) throw invalid(process.env.NODE_ENV !== 'production' ? `${name}: wrap it in ${name}() from 'authsocket/lite'` : name);
  return value;
}

/** Every option value that takes part in each attempt. */
export const attemptFeatures = (options: object): AttemptFeature[] => Object.values(options).filter((value) => onAttempts.has(value));
