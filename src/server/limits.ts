// The gate's resource limits: how many sockets may be authenticating at once
// (overall and per client address) and how long `verify` may take. Without
// them one client could run thousands of `verify` calls at once, park
// thousands of anonymous message-carrier sockets, or turn a hanging backend
// ("Redis down", a client that queues while disconnected) into sockets that
// never settle. Each bound fails closed: 503/429 before the upgrade, 1013
// after it.
import type { IncomingMessage } from 'node:http';
import type { AuthGateLimits, AuthGateOptions, Verify } from './types.ts';

export interface Limits {
  pending: number;
  pendingPerAddress: number;
  verifyTimeout: number;
  authFrameBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = { pending: 1000, pendingPerAddress: 50, verifyTimeout: 10_000, authFrameBytes: 16 * 1024 };

// setTimeout's largest delay; beyond it Node fires at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The `limits` option with defaults applied; throws on a value that cannot be meant. */
export function resolveLimits(limits: AuthGateLimits | undefined): Limits {
  if (limits !== undefined && (typeof limits !== 'object' || limits === null)) throw new TypeError('createAuthGate: `limits` must be an object');
  const resolved: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
    const value = limits?.[key];
    if (value === undefined) continue;
    const countLike = key === 'pending' || key === 'pendingPerAddress';
    const valid = countLike
      ? value === Infinity || (Number.isInteger(value) && value >= 1)
      : key === 'verifyTimeout'
        ? Number.isFinite(value) && value > 0 && value <= MAX_TIMER_MS
        : Number.isInteger(value) && value >= 1;
    if (!valid) {
      throw new TypeError(`createAuthGate: \`limits.${key}\` must be ${countLike ? 'a positive integer (or Infinity)' : key === 'verifyTimeout' ? 'a positive number of ms' : 'a positive integer of bytes'}`);
    }
    resolved[key] = value;
  }
  return resolved;
}

/** The `address` option: who counts as one client for `pendingPerAddress`. */
export function resolveAddress<User>(options: AuthGateOptions<User>): (req: IncomingMessage) => string {
  const { address } = options;
  if (address === undefined) return (req) => req.socket?.remoteAddress ?? '';
  if (typeof address !== 'function') throw new TypeError('createAuthGate: `address` must be a function (req) => string');
  return (req) => String(address(req));
}

/** Refused for lack of room: the HTTP status and the `refused` reason. */
export interface Full {
  status: 503 | 429;
  reason: string;
}

/**
 * One upgrade's place among the pending ones. `enter()` takes it (or says why
 * not); it is given back when every holder released it: the gate's own
 * reference once the upgrade is settled, and each `retain()`, e.g. the
 * message carrier's until its auth frame is answered.
 */
export interface PendingSlot {
  enter(): Full | undefined;
  retain(): () => void;
  release(): void;
}

export interface Admission {
  slot(req: IncomingMessage): PendingSlot;
  /** Sockets authenticating now (for tests and metrics). */
  readonly pending: number;
}

export function createAdmission(limits: Limits, addressOf: (req: IncomingMessage) => string): Admission {
  let pending = 0;
  // Only addresses with something pending are kept: the map cannot outgrow `pending`.
  const perAddress = new Map<string, number>();

  function slot(req: IncomingMessage): PendingSlot {
    let address: string | undefined;
    let holders = 1;
    const free = () => {
      if (address === undefined) return;
      pending--;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
      address = undefined;
    };
    const releaser = () => {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--holders === 0) free();
      };
    };
    const own = releaser();
    return {
      enter() {
        const from = addressOf(req);
        if (pending >= limits.pending) return { status: 503, reason: 'too many pending' };
        if ((perAddress.get(from) ?? 0) >= limits.pendingPerAddress) return { status: 429, reason: 'too many pending from this address' };
        address = from;
        pending++;
        perAddress.set(from, (perAddress.get(from) ?? 0) + 1);
        return undefined;
      },
      retain() {
        holders++;
        return releaser();
      },
      release: own,
    };
  }

  return {
    slot,
    get pending() {
      return pending;
    },
  };
}

/** What a `verify` that did not settle within `verifyTimeout` fails with (close 1013, `error` event). */
export class VerifyTimeout extends Error {
  constructor(ms: number) {
    super(`verify did not settle within ${ms} ms`);
    this.name = 'VerifyTimeout';
  }
}

/**
 * `verify`, failing with {@link VerifyTimeout} when it has not settled within
 * `ms`. The late result, if any, is ignored: the socket was already closed.
 */
export function withVerifyTimeout<User>(verify: Verify<User>, ms: number): Verify<User> {
  type Result = User | null | undefined | false;
  return (token, req, context) =>
    new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(() => reject(new VerifyTimeout(ms)), ms);
      // Inside a promise, so a verify that throws synchronously rejects too.
      new Promise<Result>((run) => run(verify(token, req, context))).then(
        (user) => { clearTimeout(timer); resolve(user); },
        (error: unknown) => { clearTimeout(timer); reject(error); },
      );
    });
}
