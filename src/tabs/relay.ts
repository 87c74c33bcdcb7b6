import { AuthSocketError, type AuthSocketErrorCode } from '../errors/AuthSocketError.ts';
import type { Frame, State } from '../types.ts';

/** An error as it crosses the channel (an `AuthSocketError` does not survive structured cloning). */
export interface RelayedError {
  code: AuthSocketErrorCode;
  message: string;
}

/**
 * What the instances of one tab group say to each other over their
 * `BroadcastChannel` (every instance hears every message; `to` names the one
 * it is for). Followers: `hello`, `send`, `do`, `bye`. The leader: `lead`,
 * `status`, `ev`, `wrote`, `resend`, `done`.
 */
/** `id`: the sender's (`hello`, `send`, `do`, `bye`) or the addressee's (`status`, `wrote`, `resend`, `done`) instance id. */
export type Relayed =
  /** A new leader holds the lock: whatever the previous one had is gone. */
  | { t: 'lead' }
  /** A follower joined and asks for the leader's state. */
  | { t: 'hello'; id: string }
  | { t: 'status'; id: string; state: State; attempt: number }
  /** One event of the leader's, for every follower to emit as its own. */
  | { t: 'ev'; type: string; payload: unknown }
  /**
   * A follower's frame number `seq`; `base` is its oldest frame not yet
   * confirmed, where a new leader starts counting.
   */
  | { t: 'send'; id: string; seq: number; base: number; frame: Frame }
  /** The leader wrote the follower's frames up to `seq` to the socket. */
  | { t: 'wrote'; id: string; seq: number }
  /** The leader missed a frame: send every unconfirmed one again (duplicates are skipped). */
  | { t: 'resend'; id: string }
  | { t: 'do'; id: string; n: number; op: 'open' | 'reconnect' | 'reauthenticate' }
  | { t: 'done'; id: string; n: number; error?: RelayedError }
  | { t: 'bye'; id: string };

/** The group's channel: typed posts, and a handler for what the others post. */
export function openRelay(name: string, receive: (message: Relayed) => void): { post(message: Relayed): void; close(): void } {
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event: MessageEvent<Relayed>) => receive(event.data);
  return {
    post: (message) => channel.postMessage(message),
    close: () => channel.close(),
  };
}

/** An error as it crosses the channel (structured clone keeps neither the class nor `code`). */
export const toWire = ({ code, message }: AuthSocketError): RelayedError => ({ code, message });

/** The relayed error, an `AuthSocketError` again on this side. */
export const fromWire = ({ code, message }: RelayedError): AuthSocketError => new AuthSocketError(code, message);
