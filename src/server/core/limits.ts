// The gate's resource limits: how many sockets may be authenticating at once
// (overall and per client address) and how long `verify` may take. Without
// them one client could run thousands of `verify` calls at once, park
// thousands of anonymous message-carrier sockets, or turn a hanging backend
// ("Redis down", a client that queues while disconnected) into sockets that
// never settle. Each bound fails closed: 503/429 before the upgrade, 1013
// after it.
import { invalidOption } from './errors.ts';
import type { AuthGateLimits, GateOptions, Verify } from './options.ts';
import type { GateRequest } from './runtime.ts';

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
  if (limits !== undefined && (typeof limits !== 'object' || limits === null)) throw invalidOption('`limits` must be an object');
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
      throw invalidOption(`\`limits.${key}\` must be ${countLike ? 'a positive integer (or Infinity)' : key === 'verifyTimeout' ? 'a positive number of ms' : 'a positive integer of bytes'}`);
    }
    resolved[key] = value;
  }
  return resolved;
}

/**
 * The `address` option: who counts as one client for `pendingPerAddress`.
 * An IPv6 address counts per /64, the block one subscriber usually gets:
 * counted one by one, a single client would have 2^64 addresses.
 */
export function resolveAddress<User, Req>(options: GateOptions<User, Req>): (req: GateRequest<Req>) => string {
  const { address } = options;
  if (address === undefined) return (req) => addressBlock(req.remoteAddress ?? '');
  if (typeof address !== 'function') throw invalidOption('`address` must be a function (req) => string');
  return (req) => addressBlock(String(address(req.native)));
}

// An IPv6 address in text form (the runtimes hand them over valid; this only tells them from IPv4 and names).
function isIPv6(address: string): boolean {
  return address.includes(':') && /^[0-9A-Fa-f:.]+$/.test(address);
}

/** An IPv6 address's /64 (`2001:db8:0:1::/64`); an IPv4 one (mapped or not) as is; anything else unchanged. */
export function addressBlock(address: string): string {
  const bare = address.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) is not part of the address
  if (!isIPv6(bare)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (::1.2.3.4) is two groups; only the first four groups matter here.
  const width = (list: string[]) => list.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const all = [...left, ...Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0'), ...right];
  return `${all.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}

/** Refused for lack of room: the HTTP status and the `refused` reason. */
export interface Full {
  status: 503 | 429;
  reason: string;
}

/** When the share for sockets awaiting their first frame is full, one that waited this long makes room. */
export const FULL_POOL_WAIT_MS = 1_000;

/**
 * One upgrade's place among the pending ones. `enter()` takes it (or says why
 * not); it is given back when every holder released it: the gate's own
 * reference once the upgrade is settled, each `retain()` (the message
 * carrier's until its auth frame is answered, a `verify` call until it
 * settles, even after `verifyTimeout`), or at once when the socket, waiting
 * for its first frame, is closed to make room.
 */
export interface PendingSlot {
  enter(): Full | undefined;
  /**
   * The socket will wait for its first frame (message carrier): it needs room
   * in that share of the pool. When the share is full, the socket that has
   * waited longest — at least {@link FULL_POOL_WAIT_MS} — gives up its place
   * (its `evict` is called), else this one is refused.
   */
  awaitFirstFrame(evict: () => void): Full | undefined;
  /** The first frame arrived: from now on the place counts as a verification. */
  firstFrameArrived(): void;
  retain(): () => void;
  release(): void;
}

export interface Admission<Req> {
  slot(req: GateRequest<Req>): PendingSlot;
  /** Sockets authenticating now (for tests and metrics). */
  readonly pending: number;
}

interface Waiter {
  since: number;
  evict(): void;
}

/**
 * Admission to the pool of sockets still authenticating. Running
 * verifications (re-authentications included, hung ones until they settle)
 * and sockets awaiting their first frame share `pending`, but the latter may
 * take at most half of it: anonymous sockets, however many addresses they
 * come from, can never keep a client with a credential from being verified.
 */
export function createAdmission<Req>(limits: Limits, addressOf: (req: GateRequest<Req>) => string, now: () => number = Date.now): Admission<Req> {
  let pending = 0;
  const awaitingShare = Math.max(1, Math.floor(limits.pending / 2));
  // In arrival order: the first is the one that has waited longest.
  const waiters = new Set<Waiter>();
  // Only addresses with something pending are kept: the map cannot outgrow `pending`.
  const perAddress = new Map<string, number>();

  function slot(req: GateRequest<Req>): PendingSlot {
    let address: string | undefined;
    let waiter: Waiter | undefined;
    let holders = 1;
    const stopWaiting = () => {
      if (waiter) waiters.delete(waiter);
      waiter = undefined;
    };
    const free = () => {
      stopWaiting();
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
      awaitFirstFrame(evict) {
        if (waiters.size >= awaitingShare) {
          const [longest] = waiters;
          if (!longest || now() - longest.since < FULL_POOL_WAIT_MS) return { status: 503, reason: 'too many awaiting their first frame' };
          longest.evict();
        }
        waiter = {
          since: now(),
          evict: () => {
            free(); // the place is given back now, not once the peer answered our close
            evict();
          },
        };
        waiters.add(waiter);
        return undefined;
      },
      firstFrameArrived: stopWaiting,
      retain() {
        if (address === undefined) return () => {};
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
 * `hold` is called as each call starts and the function it returns once the
 * call itself settled, however late: a hung `verify` keeps its place in the
 * pool, so hung calls cannot pile up beyond `pending`.
 */
export function withVerifyTimeout<User, Req>(verify: Verify<User, Req>, ms: number, hold: () => () => void = () => () => {}): Verify<User, Req> {
  type Result = User | null | undefined | false;
  return (token, req, context) =>
    new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(() => reject(new VerifyTimeout(ms)), ms);
      const done = hold();
      // Inside a promise, so a verify that throws synchronously rejects too.
      new Promise<Result>((run) => run(verify(token, req, context))).then(
        (user) => { clearTimeout(timer); done(); resolve(user); },
        (error: unknown) => { clearTimeout(timer); done(); reject(error); },
      );
    });
}
