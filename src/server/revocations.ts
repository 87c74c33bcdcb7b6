// Revocation shared between gate instances: `gate.revoke(key)` closes the
// user's sockets here and tells every other gate on the same bus to do the
// same. The bus only moves strings; the gate owns the message format below.
import { closeReason } from './core/closeCodes.ts';
import { AuthGateError } from './core/errors.ts';

/**
 * A message bus between gate instances, for `revoke()`. `publish` sends one
 * message to every subscriber of every instance (the sender's own included, or
 * not: the gate ignores its own messages); `subscribe` registers a listener and
 * may return a function that removes it. `createRedisRevocations` is one over
 * Redis pub/sub; `createRevocations` one inside a single process.
 *
 * @example
 * ```ts
 * // Any pub/sub works, e.g. PostgreSQL LISTEN/NOTIFY or NATS:
 * const revocations: Revocations = {
 *   publish: (message) => nats.publish('revocations', message),
 *   subscribe: (onMessage) => { const sub = nats.subscribe('revocations', (m) => onMessage(m.string())); return () => sub.unsubscribe(); },
 * };
 * ```
 */
export interface Revocations {
  /** Resolves once the message is on its way to every instance; rejects when it cannot be (then `revoke()` rejects). */
  publish(message: string): Promise<unknown>;
  subscribe(onMessage: (message: string) => void): (() => void) | unknown;
  /** Optional: the bus's own errors (a broker gone, a failed re-subscription); the gate reports them as `error`. */
  onError?(listener: (error: unknown) => void): (() => void) | unknown;
}

/**
 * How `gate.revoke` closes the sockets: 4403 (default: the client stops) or
 * 4401 (the client comes back with a fresh credential), and the close reason
 * (default `'revoked'`, cut to 123 bytes).
 *
 * @example
 * ```ts
 * await gate.revoke('user-42', { code: 4401, reason: 'password changed' });
 * ```
 */
export interface RevokeOptions {
  code?: 4401 | 4403;
  reason?: string;
}

/** A revocation as it travels between instances. */
export interface Revocation {
  key: string;
  code: 4401 | 4403;
  reason: string;
}

/**
 * An in-process {@link Revocations} bus: for several gates in one process
 * (e.g. one per path), and for tests.
 *
 * @example
 * ```ts
 * const revocations = createRevocations();
 * const chat = createAuthGate({ origins, verify, revocations });
 * const feed = createAuthGate({ origins, verify, revocations });
 * await chat.revoke('user-42');   // closes the user's sockets on both gates
 * ```
 */
export function createRevocations(): Revocations {
  const listeners = new Set<(message: string) => void>();
  return {
    async publish(message) {
      for (const listener of [...listeners]) listener(message);
    },
    subscribe(onMessage) {
      listeners.add(onMessage);
      return () => void listeners.delete(onMessage);
    },
  };
}

/** The checked form of `revoke()`'s arguments; throws an `INVALID_ARGUMENT` {@link AuthGateError} on bad ones. */
export function revocationOf(key: unknown, options: RevokeOptions = {}): Revocation {
  if (typeof key !== 'string' || key === '') throw new AuthGateError('INVALID_ARGUMENT', 'gate.revoke: `key` must be a non-empty string');
  const { code = 4403, reason = 'revoked' } = options ?? {};
  if (code !== 4401 && code !== 4403) throw new AuthGateError('INVALID_ARGUMENT', 'gate.revoke: `code` must be 4401 or 4403');
  if (typeof reason !== 'string') throw new AuthGateError('INVALID_ARGUMENT', 'gate.revoke: `reason` must be a string');
  return { key, code, reason: closeReason(reason) };
}

/**
 * The wire side: each gate signs its messages with a random instance id, so
 * that it does not act twice on its own revocations (it closed its sockets
 * before publishing; a socket that came in since must not be caught by the echo).
 */
export function revocationWire() {
  const instance = globalThis.crypto.randomUUID();
  return {
    encode: (revocation: Revocation) => JSON.stringify({ v: 1, from: instance, ...revocation }),
    /** A revocation from another instance, or `undefined` for our own echo and for junk. */
    decode(message: unknown): Revocation | undefined {
      let parsed: unknown;
      try {
        parsed = JSON.parse(typeof message === 'string' ? message : String(message));
      } catch {
        return undefined;
      }
      const { v, from, key, code, reason } = (parsed ?? {}) as Record<string, unknown>;
      if (v !== 1 || from === instance || typeof from !== 'string') return undefined;
      try {
        return revocationOf(key, { code: code as 4401 | 4403, reason: reason as string });
      } catch {
        return undefined;
      }
    },
  };
}
