// A socket's credential has a lifetime: the gate closes the socket when it
// ends (4401 'credential expired'), unless an in-place re-authentication moved
// the end further. This file knows when a credential ends and keeps the one
// timer per socket that enforces it.
import { decodeBase64Url } from '../../utils/base64url.ts';
import { invalidOption } from './errors.ts';

/** The longest delay `setTimeout` keeps (2^31 − 1 ms, ~24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export type ExpiryOf<User> = (user: User, token: string) => number | undefined;

// Any real end in ms since epoch is past this (1973); a value below it is a
// date in seconds (a JWT `exp` copied as is), which would refuse everyone.
const SECONDS_LIKE_BELOW = 1e11;

/**
 * A JWT whose `exp` claim is there but is not a number of seconds (`"0"`,
 * `null`, `true`, an array, a value in ms): refused like an expired credential,
 * never taken as "does not expire".
 */
export class MalformedExpiry extends Error {
  constructor() {
    super('the JWT exp claim is not a number of seconds since epoch');
    this.name = 'MalformedExpiry';
  }
}

/**
 * When a verified credential ends, in ms since epoch, or `undefined` for never:
 * the gate's `expiresAt` option, else the `exp` claim of a JWT (not checked
 * here: `verify` checks signatures). A broken `expiresAt` (not a number, NaN,
 * or a number of seconds) throws, so the socket is refused and the gate
 * reports it rather than keeping the socket forever or refusing everyone
 * silently; a JWT with a malformed `exp` throws {@link MalformedExpiry}.
 */
export function expiryResolver<User>(expiresAt: ExpiryOf<User> | undefined): ExpiryOf<User> {
  if (expiresAt !== undefined && typeof expiresAt !== 'function') throw invalidOption('`expiresAt` must be a function');
  if (expiresAt === undefined) return (_user, token) => jwtExpiry(token);
  return (user, token) => {
    const at = expiresAt(user, token);
    if (at === undefined || at === Infinity) return undefined;
    if (typeof at !== 'number' || Number.isNaN(at)) throw invalidOption('`expiresAt` must return a number of ms since epoch, or undefined');
    if (at < SECONDS_LIKE_BELOW) throw invalidOption(`\`expiresAt\` returned ${at}, which is before 1973 in ms: a date in seconds? It must return ms since epoch`);
    return at;
  };
}

/** The `exp` of a JWT in ms; `undefined` for a token that is no JWT, or a JWT without `exp`. */
function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(decodeBase64Url(parts[1]!) || '');
  } catch {
    return undefined; // not a JWT: an opaque token, which never expires here
  }
  if (typeof claims !== 'object' || claims === null || !('exp' in claims)) return undefined;
  const { exp } = claims as { exp: unknown };
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0 || exp >= SECONDS_LIKE_BELOW) throw new MalformedExpiry();
  return exp * 1000;
}

/** One socket's expiry: re-armable, bounded, and silent once stopped. */
export interface ExpiryTimer {
  /** Sets (or moves) the end; `undefined` means never. */
  set(at: number | undefined): void;
  stop(): void;
}

export function expiryTimer(onExpired: () => void, now: () => number = Date.now): ExpiryTimer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let end: number | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = undefined;
    if (end === undefined) return;
    const delay = end - now();
    // Far ends are reached in steps: a delay above MAX_TIMER_MS would fire at once.
    timer = delay > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(expire, Math.max(0, delay));
    // The socket keeps the process alive, never its expiry timer.
    timer.unref?.();
  };
  const expire = () => {
    timer = undefined;
    end = undefined;
    onExpired();
  };
  return {
    set(at) {
      end = at;
      arm();
    },
    stop() {
      end = undefined;
      arm();
    },
  };
}
