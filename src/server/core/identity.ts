// What the gate keeps about each socket it admitted: who it is (the user's
// key), when its credential ends, and the registry by key that `revoke()`
// walks. The core asks `identify` after every successful `verify`, `admit`
// when a socket is accepted, `renew` when it re-authenticates in place.
import { CLOSE } from './closeCodes.ts';
import { invalidOption } from './errors.ts';
import { expiryResolver, expiryTimer, MalformedExpiry, type ExpiryTimer } from './lifetime.ts';
import { revocationOf, revocationWire, type Revocation, type RevokeOptions } from '../revocations.ts';
import type { GateOptions } from './options.ts';

/** What the identity keeper needs of an admitted socket. */
export interface Held {
  readonly open: boolean;
  /** Closes the socket (once, whoever asks); `revoked` says `revoke()` asked. */
  end(code: number, reason: string, revoked?: boolean): Promise<void>;
}

/** Who a verified credential proves, and until when. */
export interface Identity {
  key: string;
  fromNumber: boolean;
  /** When the credential ends (ms since epoch), `undefined` for never. */
  expiresAt: number | undefined;
}

/**
 * A user for whom no key can be derived (no `key` option, and neither a
 * string or number user nor an `id` or `sub`; or `key` returned `''`), or
 * whose key is already another user's (ids `1` and `'1'`). Such a socket is
 * refused (1011) and the gate emits this as `error`: without a key, `revoke()`
 * could not reach the socket and a re-authentication could not tell another
 * user from the same one.
 */
export class UnidentifiedUser extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnidentifiedUser';
  }
}

export interface IdentityKeeper<User, S extends Held> {
  /**
   * The identity a verified user and token prove; `undefined` when the
   * credential is already expired or its JWT `exp` is malformed (refused as
   * invalid, 4401). Throws {@link UnidentifiedUser} or an `INVALID_OPTION`
   * error (a broken `expiresAt`): the gate's fault, reported and refused 1011.
   */
  identify(user: User, token: string): Identity | undefined;
  /** A socket was accepted: register it and arm its expiry. */
  admit(socket: S, user: User, identity: Identity): void;
  /** A re-authentication verified: a refusal when it is another user, else the new expiry is set. */
  renew(socket: S, user: User, identity: Identity): { code: number; reason: string } | undefined;
  /** The socket closed: forget it. */
  forget(socket: S): void;
  revoke(key: string, options?: RevokeOptions): Promise<number>;
  /** Stops listening to other instances' revocations. */
  close(): void;
}

interface Record<User> {
  user: User;
  key: string;
  end: number | undefined;
  /** Made when the socket first has an end: most sockets (opaque tokens) never need one. */
  expiry?: ExpiryTimer;
}

/** `report` receives the revocation bus's own errors (the gate emits them as `error`). */
export function createIdentityKeeper<User, S extends Held>(
  options: GateOptions<User, never>,
  report: (error: unknown) => void,
  onRevoked: (revocation: Revocation) => void = () => {},
): IdentityKeeper<User, S> {
  const expiryOf = expiryResolver(options.expiresAt);
  const keyOf = keyResolver(options.key);
  const { revocations } = options;
  if (revocations !== undefined && (typeof revocations?.publish !== 'function' || typeof revocations?.subscribe !== 'function')) {
    throw invalidOption('`revocations` must have publish(message) and subscribe(onMessage)');
  }
  const records = new WeakMap<S, Record<User>>();
  const users = createUserSockets<S>();
  const wire = revocationWire();

  const forget = (socket: S) => {
    const record = records.get(socket);
    if (!record) return;
    records.delete(socket);
    record.expiry?.stop();
    users.remove(record.key, socket);
  };
  /** Sets (or lifts) the socket's end, making its timer the first time it needs one. */
  const setEnd = (socket: S, record: Record<User>, end: number | undefined) => {
    record.end = end;
    if (end === undefined) return void record.expiry?.stop();
    record.expiry ??= expiryTimer(() => {
      forget(socket);
      void socket.end(CLOSE.expired.code, CLOSE.expired.reason);
    });
    record.expiry.set(end);
  };
  /** Closes this instance's sockets of the revoked user; returns their close promises. */
  const closeLocal = (revocation: Revocation): Array<Promise<void>> => {
    const { key, code, reason } = revocation;
    onRevoked(revocation);
    const sockets = users.of(key);
    for (const socket of sockets) forget(socket);
    return sockets.filter((socket) => socket.open).map((socket) => socket.end(code, reason, true));
  };

  const subscription = revocations?.subscribe((message) => {
    const revocation = wire.decode(message);
    if (revocation) void Promise.all(closeLocal(revocation));
  });
  const errors = typeof revocations?.onError === 'function' ? revocations.onError(report) : undefined;

  return {
    identify(user, token) {
      let expiresAt: number | undefined;
      try {
        expiresAt = expiryOf(user, token);
      } catch (error) {
        // A malformed `exp` fails closed, as a bad credential (4401); a broken `expiresAt` is the gate's error.
        if (error instanceof MalformedExpiry) return undefined;
        throw error;
      }
      // Refused like any invalid credential: the client fetches a fresh one.
      if (expiresAt !== undefined && expiresAt <= Date.now()) return undefined;
      const { key, fromNumber } = keyOf(user);
      if (users.clashes(key, fromNumber)) {
        const [type, other] = fromNumber ? ['number', 'string'] : ['string', 'number'];
        throw new UnidentifiedUser(`createAuthGate: a ${type} user key and a ${other} one are both "${key.length > 40 ? `${key.slice(0, 40)}…` : key}": give \`key\` so that they differ`);
      }
      return { key, fromNumber, expiresAt };
    },

    admit(socket, user, identity) {
      const record: Record<User> = { user, key: identity.key, end: undefined };
      records.set(socket, record);
      users.add(record.key, identity.fromNumber, socket);
      setEnd(socket, record, identity.expiresAt);
    },

    renew(socket, user, identity) {
      const record = records.get(socket);
      if (!record) return undefined;
      if (record.key !== identity.key) return CLOSE.identityChanged;
      record.user = user;
      // A new token without an end (a JWT without `exp`) does not lift the
      // old end; only an `expiresAt` option saying "never" does.
      setEnd(socket, record, identity.expiresAt ?? (options.expiresAt === undefined ? record.end : undefined));
      return undefined;
    },

    forget,

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
  if (key !== undefined && typeof key !== 'function') throw invalidOption('`key` must be a function');
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

// The gate's sockets by user key, for `revoke()`. Kept small per socket: a
// user with one socket (the common case) costs one map entry, no Set; and
// the type a key came from is only remembered for number keys (rare), so
// that number 1 and string '1' are never taken for one user.
/** `Socket` is whatever the gate tracks per connection (the core's per-socket record). */
export interface UserSockets<Socket extends object> {
  add(key: string, fromNumber: boolean, ws: Socket): void;
  remove(key: string, ws: Socket): void;
  /** The sockets of `key`, as a copy. */
  of(key: string): Socket[];
  /** Whether `key` is held by sockets of a user whose key came from the other type (number vs string). */
  clashes(key: string, fromNumber: boolean): boolean;
}

export function createUserSockets<Socket extends object>(): UserSockets<Socket> {
  const byKey = new Map<string, Socket | Set<Socket>>();
  const numberKeys = new Set<string>();
  return {
    add(key, fromNumber, ws) {
      const held = byKey.get(key);
      if (held === undefined) {
        byKey.set(key, ws);
        if (fromNumber) numberKeys.add(key);
      } else if (held instanceof Set) held.add(ws);
      else if (held !== ws) byKey.set(key, new Set([held, ws]));
    },
    remove(key, ws) {
      const held = byKey.get(key);
      if (held instanceof Set) {
        held.delete(ws);
        if (held.size > 0) return;
      } else if (held !== ws) return;
      byKey.delete(key);
      numberKeys.delete(key);
    },
    of(key) {
      const held = byKey.get(key);
      return held === undefined ? [] : held instanceof Set ? [...held] : [held];
    },
    clashes(key, fromNumber) {
      return byKey.has(key) && numberKeys.has(key) !== fromNumber;
    },
  };
}
