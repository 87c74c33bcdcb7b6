// What the gate keeps about each socket it admitted: who it is (the user's
// key), when its credential ends, and the registry by key that `revoke()`
// walks. One seam into the gate: `guard` wraps `verify`, `admit` runs when a
// socket is accepted, `renew` when it re-authenticates in place.
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { AUTH_OK } from './authMessage.ts';
import { expiryResolver, expiryTimer, type ExpiryTimer } from './lifetime.ts';
import { revocationOf, revocationWire, type Revocation, type RevokeOptions } from './revocations.ts';
import type { AuthGateOptions, Carrier, Verify } from './types.ts';

export const EXPIRED = { code: 4401, reason: 'credential expired' } as const;
export const IDENTITY_CHANGED = { code: 4401, reason: 'identity changed' } as const;

type Close = (ws: WebSocket, code: number, reason: string) => Promise<void>;

interface Session<User> {
  user: User;
  key: string | undefined;
  expiry: ExpiryTimer;
}

/** What `verify` proved for a request: read by `admit` / `renew` right after. */
interface Verified {
  key: string | undefined;
  expiresAt: number | undefined;
}

export interface SessionKeeper<User> {
  /** `verify`, plus: an expired credential is refused; the user's key and expiry are noted. */
  guard(verify: Verify<User>): Verify<User>;
  /** A socket was accepted: register it, arm its expiry, send the ack when asked to. */
  admit(ws: WebSocket, req: IncomingMessage, user: User, carrier: Carrier | undefined): void;
  /** A re-authentication verified: a refusal when it is another user, else the new expiry is set. */
  renew(ws: WebSocket, req: IncomingMessage, user: User): { code: number; reason: string } | undefined;
  revoke(key: string, options?: RevokeOptions): Promise<number>;
  /** Stops listening to other instances' revocations. */
  close(): void;
}

export function createSessionKeeper<User>(options: AuthGateOptions<User>, close: Close): SessionKeeper<User> {
  const expiryOf = expiryResolver(options.expiresAt);
  const keyOf = keyResolver(options.key);
  const ack = options.ack ?? false;
  if (typeof ack !== 'boolean') throw new TypeError('createAuthGate: `ack` must be a boolean');
  const { revocations } = options;
  if (revocations !== undefined && (typeof revocations?.publish !== 'function' || typeof revocations?.subscribe !== 'function')) {
    throw new TypeError('createAuthGate: `revocations` must have publish(message) and subscribe(onMessage)');
  }

  const verified = new WeakMap<IncomingMessage, Verified>();
  const sessions = new WeakMap<WebSocket, Session<User>>();
  const byKey = new Map<string, Set<WebSocket>>();
  const wire = revocationWire();

  const forget = (ws: WebSocket) => {
    const session = sessions.get(ws);
    if (!session) return;
    session.expiry.stop();
    if (session.key === undefined) return;
    const sockets = byKey.get(session.key);
    sockets?.delete(ws);
    if (sockets?.size === 0) byKey.delete(session.key);
  };

  /** Closes this instance's sockets of the revoked user; returns their close promises. */
  const closeLocal = ({ key, code, reason }: Revocation): Array<Promise<void>> => {
    const sockets = [...(byKey.get(key) ?? [])];
    for (const ws of sockets) forget(ws);
    return sockets.filter((ws) => ws.readyState === ws.OPEN).map((ws) => close(ws, code, reason));
  };

  const subscription = revocations?.subscribe((message) => {
    const revocation = wire.decode(message);
    if (revocation) void Promise.all(closeLocal(revocation));
  });

  return {
    guard(verify) {
      return async (token, req, context) => {
        const user = await verify(token, req, context);
        if (!user) return user;
        const expiresAt = expiryOf(user, token);
        // Refused like any invalid credential: the client fetches a fresh one.
        if (expiresAt !== undefined && expiresAt <= Date.now()) return null;
        verified.set(req, { key: keyOf(user), expiresAt });
        return user;
      };
    },

    admit(ws, req, user, carrier) {
      const proven = verified.get(req);
      verified.delete(req);
      const session: Session<User> = {
        user,
        key: proven?.key,
        expiry: expiryTimer(() => {
          forget(ws);
          void close(ws, EXPIRED.code, EXPIRED.reason);
        }),
      };
      sessions.set(ws, session);
      if (session.key !== undefined) {
        let sockets = byKey.get(session.key);
        if (!sockets) byKey.set(session.key, (sockets = new Set()));
        sockets.add(ws);
      }
      ws.once('close', () => forget(ws));
      session.expiry.set(proven?.expiresAt);
      // The message carrier has answered `auth_ok` already.
      if (ack && carrier !== 'message') ws.send(AUTH_OK);
    },

    renew(ws, req, user) {
      const session = sessions.get(ws);
      const proven = verified.get(req);
      verified.delete(req);
      if (!session) return undefined;
      // Keys compared as the SPEC says; users without one (objects with no
      // `id` and no `key` option) cannot be told apart, so they pass: the
      // docs tell such apps to give `key`.
      if (session.key !== proven?.key) return IDENTITY_CHANGED;
      session.user = user;
      session.expiry.set(proven?.expiresAt);
      return undefined;
    },

    async revoke(key, revokeOptions) {
      const revocation = revocationOf(key, revokeOptions);
      const closing = closeLocal(revocation);
      await Promise.all([...closing, revocations?.publish(wire.encode(revocation))]);
      return closing.length;
    },

    close() {
      if (typeof subscription === 'function') subscription();
    },
  };
}

/** The user's key: `options.key`, else the user itself (string, number) or its `id`. */
function keyResolver<User>(key: ((user: User) => string) | undefined): (user: User) => string | undefined {
  if (key !== undefined && typeof key !== 'function') throw new TypeError('createAuthGate: `key` must be a function');
  const normalise = (value: unknown): string | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    throw new TypeError('createAuthGate: `key` must return a string');
  };
  if (key !== undefined) return (user) => normalise(key(user));
  return (user) => {
    if (typeof user === 'string' || typeof user === 'number') return normalise(user);
    const id = (user as { id?: unknown } | null)?.id;
    return typeof id === 'string' || typeof id === 'number' ? normalise(id) : undefined;
  };
}
