// A socket's credential has a lifetime: the gate closes the socket when it
// ends (4401 'credential expired'), unless an in-place re-authentication moved
// the end further. This file knows when a credential ends and keeps the one
// timer per socket that enforces it.
import { jwtExpiry } from '../utils/jwt.ts';

/** The longest delay `setTimeout` keeps (2^31 − 1 ms, ~24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export type ExpiryOf<User> = (user: User, token: string) => number | undefined;

/**
 * When a verified credential ends, in ms since epoch, or `undefined` for never:
 * the gate's `expiresAt` option, else the `exp` claim of a JWT (not checked
 * here: `verify` checks signatures). A broken `expiresAt` (not a number, NaN)
 * throws, so the socket is refused rather than kept forever.
 */
export function expiryResolver<User>(expiresAt: ExpiryOf<User> | undefined): ExpiryOf<User> {
  if (expiresAt !== undefined && typeof expiresAt !== 'function') throw new TypeError('createAuthGate: `expiresAt` must be a function');
  if (expiresAt === undefined) return (_user, token) => jwtExpiry(token);
  return (user, token) => {
    const at = expiresAt(user, token);
    if (at === undefined || at === Infinity) return undefined;
    if (typeof at !== 'number' || Number.isNaN(at)) throw new TypeError('createAuthGate: `expiresAt` must return a number of ms since epoch, or undefined');
    return at;
  };
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
