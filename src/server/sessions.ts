// What the gate keeps about each socket it admitted: who it is (the user's
// key), when its credential ends, and the registry by key that `revoke()`
// walks. One seam into the gate: `guard` wraps `verify`, `admit` runs when a
// socket is accepted, `renew` when it re-authenticates in place.
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { AUTH_OK } from './authMessage.ts';
import { expiryResolver, expiryTimer, MalformedExpiry, type ExpiryTimer } from './lifetime.ts';
import { revocationOf, revocationWire, type Revocation, type RevokeOptions } from './revocations.ts';
import { createUserSockets } from './userSockets.ts';
import type { AuthGateOptions, Carrier, Verify } from './types.ts';

export const EXPIRED = { code: 4401, reason: 'credential expired' } as const;
export const IDENTITY_CHANGED = { code: 4401, reason: 'identity changed' } as const;

type Close = (ws: WebSocket, code: number, reason: string) => Promise<void>;

interface Session<User> {
  user: User;
  key: string;
  /** When the credential ends (ms since epoch), `undefined` for never. */
  end: number | undefined;
  /** Made when the socket first has an end: most sockets (opaque tokens) never need one. */
  expiry?: ExpiryTimer;
}

/** What `verify` proved for a request: read by `admit` / `renew` right after. */
interface Verified {
  key: string;
  fromNumber: boolean;
  expiresAt: number | undefined;
}

/**
 * A user for whom no key can be derived (no `key` option, and neither a
 * string or number user nor an `id` or `sub`; or `key` returned `''`), or
 * whose key is already another user's (ids `1` and `'1'`). Such a socket is
 * refused (1011) at its first admission and the gate emits this as `error`:
 * without a key, `revoke()` could not reach the socket and a re-authentication
 * could not tell another user from the same one.
 */
export class UnidentifiedUser extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnidentifiedUser';
  }
}

export interface SessionKeeper<User> {
  /** `verify`, plus: an expired credential is refused; the user's key and expiry are noted. */
  guard(verify: Verify<User>): Verify<User>;
  /** A socket was accepted: register it, arm its expiry, send the ack when asked to. */
  admit(ws: WebSocket, req: IncomingMessage, user: User, carrier: Carrier | undefined): void;
  /** A re-authentication verified: a refusal when it is another user, else the new expiry is set. */
  renew(ws: WebSocket, req: IncomingMessage, user: User): { code: number; reason: string } | undefined;
  /** The user key of an admitted socket. */
  keyOf(ws: WebSocket): string | undefined;
  revoke(key: string, options?: RevokeOptions): Promise<number>;
  /** Stops listening to other instances' revocations. */
  close(): void;
}

/** `report` receives the revocation bus's own errors (the gate emits them as `error`). */
/** `revoked` hears every revocation this instance applies (resume ends the user's sessions with it). */
export function createSessionKeeper<User>(options: AuthGateOptions<User>, close: Close, report: (error: unknown) => void = () => {}, revoked: (revocation: Revocation) => void = () => {}): SessionKeeper<User> {
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
  const users = createUserSockets();
  const wire = revocationWire();

  const forget = (ws: WebSocket) => {
    const session = sessions.get(ws);
    if (!session) return;
    session.expiry?.stop();
    users.remove(session.key, ws);
  };
  // One listener function for every socket (`this` is the socket): no closure per socket.
  function forgetClosed(this: WebSocket): void {
    forget(this);
  }
  /** Sets (or lifts) the socket's end, making its timer the first time it needs one. */
  const setEnd = (ws: WebSocket, session: Session<User>, end: number | undefined) => {
    session.end = end;
    if (end === undefined) return void session.expiry?.stop();
    session.expiry ??= expiryTimer(() => {
      forget(ws);
      void close(ws, EXPIRED.code, EXPIRED.reason);
    });
    session.expiry.set(end);
  };

  /** Closes this instance's sockets of the revoked user; returns their close promises. */
  const closeLocal = (revocation: Revocation): Array<Promise<void>> => {
    const { key, code, reason } = revocation;
    revoked(revocation);
    const sockets = users.of(key);
    for (const ws of sockets) forget(ws);
    return sockets.filter((ws) => ws.readyState === ws.OPEN).map((ws) => close(ws, code, reason));
  };

  const subscription = revocations?.subscribe((message) => {
    const revocation = wire.decode(message);
    if (revocation) void Promise.all(closeLocal(revocation));
  });
  const errors = typeof revocations?.onError === 'function' ? revocations.onError(report) : undefined;

  return {
    guard(verify) {
      return async (token, req, context) => {
        const user = await verify(token, req, context);
        if (!user) return user;
        let expiresAt: number | undefined;
        try {
          expiresAt = expiryOf(user, token);
        } catch (error) {
          // A malformed `exp` fails closed, as a bad credential (4401); a broken `expiresAt` is the gate's error.
          if (error instanceof MalformedExpiry) return null;
          throw error;
        }
        // Refused like any invalid credential: the client fetches a fresh one.
        if (expiresAt !== undefined && expiresAt <= Date.now()) return null;
        const { key, fromNumber } = keyOf(user);
        if (users.clashes(key, fromNumber)) {
          const [type, other] = fromNumber ? ['number', 'string'] : ['string', 'number'];
          throw new UnidentifiedUser(`createAuthGate: a ${type} user key and a ${other} one are both "${key.length > 40 ? `${key.slice(0, 40)}…` : key}": give \`key\` so that they differ`);
        }
        verified.set(req, { key, fromNumber, expiresAt });
        return user;
      };
    },

    admit(ws, req, user, carrier) {
      const proven = verified.get(req);
      verified.delete(req);
      // `guard` ran for every accepted verify; without its record the socket has no identity.
      if (!proven) return void close(ws, 1011, 'internal error');
      const session: Session<User> = { user, key: proven.key, end: undefined };
      sessions.set(ws, session);
      users.add(session.key, proven.fromNumber, ws);
      ws.on('close', forgetClosed);
      setEnd(ws, session, proven.expiresAt);
      // The message carrier has answered `auth_ok` already.
      if (ack && carrier !== 'message') ws.send(AUTH_OK);
    },

    renew(ws, req, user) {
      const session = sessions.get(ws);
      const proven = verified.get(req);
      verified.delete(req);
      if (!session) return undefined;
      if (!proven || session.key !== proven.key) return IDENTITY_CHANGED;
      session.user = user;
      // A new token without an end (a JWT without `exp`) does not lift the
      // old end; only an `expiresAt` option saying "never" does.
      setEnd(ws, session, proven.expiresAt ?? (options.expiresAt === undefined ? session.end : undefined));
      return undefined;
    },

    keyOf: (ws) => sessions.get(ws)?.key,

    async revoke(key, revokeOptions) {
      const revocation = revocationOf(key, revokeOptions);
      const closing = closeLocal(revocation);
      await Promise.all([...closing, revocations?.publish(wire.encode(revocation))]);
      return closing.length;
    },

    close() {
      if (typeof subscription === 'function') subscription();
      if (typeof errors === 'function') errors();
    },
  };
}

/** A user's key, and whether it came from a number. */
interface UserKey {
  key: string;
  fromNumber: boolean;
}

/**
 * The user's key: `options.key`, else the user itself (string, number), its
 * `id`, or its `sub` (a JWT's claims as the user). Throws
 * {@link UnidentifiedUser} when none gives a non-empty key.
 */
function keyResolver<User>(key: ((user: User) => string) | undefined): (user: User) => UserKey {
  if (key !== undefined && typeof key !== 'function') throw new TypeError('createAuthGate: `key` must be a function');
  const normalise = (value: unknown): UserKey | undefined => {
    if (typeof value === 'string') return value === '' ? undefined : { key: value, fromNumber: false };
    if (typeof value === 'number' || typeof value === 'bigint') return { key: String(value), fromNumber: true };
    return undefined;
  };
  if (key !== undefined) {
    return (user) => {
      const value = key(user);
      const found = normalise(value);
      if (found) return found;
      throw new UnidentifiedUser(value === '' || value === undefined || value === null
        ? 'createAuthGate: `key` returned no key for a verified user'
        : 'createAuthGate: `key` must return a string');
    };
  }
  return (user) => {
    const found = normalise(user)
      ?? normalise((user as { id?: unknown } | null)?.id)
      ?? normalise((user as { sub?: unknown } | null)?.sub);
    if (found) return found;
    throw new UnidentifiedUser('createAuthGate: no key for a verified user (it is not a string or number and has no `id` or `sub`): give the `key` option');
  };
}
