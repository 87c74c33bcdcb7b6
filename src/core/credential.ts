import { fail } from '../errors/AuthSocketError.ts';
import type { Credential } from '../types.ts';
import { jwtExpiry } from '../utils/jwt.ts';

/** A credential ready for one attempt. */
export interface FetchedCredential {
  token: string;
  /** ms since epoch, from the provider or the JWT's `exp`. */
  expiresAt: number | undefined;
  fetchedAt: number;
}

/** How long a token provider may take before the attempt counts as failed. */
export const TOKEN_PROVIDER_TIMEOUT = 10_000;

const TIMED_OUT = Symbol('timed out');

/**
 * Calls the user's token provider for one attempt, bounded in time. Throws
 * `TOKEN_PROVIDER_FAILED` (never with the provider's own message, which may
 * quote the credential) when it throws, rejects, hangs or returns no token.
 */
export async function fetchCredential(
  source: string | (() => Credential | Promise<Credential>),
  timeout = TOKEN_PROVIDER_TIMEOUT,
): Promise<FetchedCredential> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let credential: Credential;
  try {
    credential = typeof source === 'string'
      ? source
      : await new Promise<Credential>((resolve, reject) => {
          timer = setTimeout(() => reject(TIMED_OUT), timeout);
          Promise.resolve().then(source).then(resolve, reject);
        });
  } catch (cause) {
    // A provider that hangs fails with a TimeoutError cause, as `fetch` does with `AbortSignal.timeout()`.
    const late = cause === TIMED_OUT;
    throw fail(
      'TOKEN_PROVIDER_FAILED',
      process.env.NODE_ENV !== 'production' ? (late ? `auth.token gave no answer within ${timeout} ms; retrying` : 'auth.token failed (see cause); retrying') : late ? `${timeout} ms` : 'auth.token',
      late ? new DOMException(`no answer within ${timeout} ms`, 'TimeoutError') : cause,
    );
  } finally {
    clearTimeout(timer);
  }
  // A string, `{ token, expiresAt? }`, or anything else (refused below).
  const { token, expiresAt } = typeof credential === 'string' ? { token: credential, expiresAt: undefined } : credential ?? {};
  if (typeof token !== 'string' || token === '') {
    throw fail('TOKEN_PROVIDER_FAILED', process.env.NODE_ENV !== 'production' ? 'auth.token returned no token; return a string or { token, expiresAt }' : 'auth.token');
  }
  return { token, expiresAt: expiresAt ?? jwtExpiry(token), fetchedAt: Date.now() };
}

/** Refresh this long before expiry, or 10% of the token's lifetime when that is shorter… */
const REFRESH_LEAD = 60_000;

/**
 * …but never less than the room a make-before-break refresh needs to finish
 * before the old credential expires (or half the lifetime, for tokens shorter
 * than 10 s): connecting the new socket, its confirmation (up to 2 s without
 * an ack: the first message or 2 s open), `setup`, the switch, and closing the
 * old socket before the server's expiry closes it 4401. 5 s is that 2 s plus
 * 3 s for latency. Tokens of 50 s or more are unaffected (10% is already more).
 */
const SWITCH_ROOM = 5_000;

/**
 * ms from now until the credential should be renewed; `undefined` when it has
 * no (future) expiry. For a 10 s token: 5 s before expiry; for 5 minutes: 30 s;
 * for an hour: 60 s.
 */
export function refreshDelay(credential: FetchedCredential | undefined): number | undefined {
  if (!credential?.expiresAt || credential.expiresAt <= Date.now()) return undefined;
  const lifetime = credential.expiresAt - credential.fetchedAt;
  const lead = Math.min(REFRESH_LEAD, Math.max(lifetime / 10, Math.min(lifetime / 2, SWITCH_ROOM)));
  return Math.max(0, credential.expiresAt - lead - Date.now());
}

/** How long before its credential's expiry the client closes a replaced connection itself (at most half the time left). */
const EXPIRY_MARGIN = 1_000;

/**
 * ms a connection replaced by a re-authenticated one may stay open for replies
 * on their way: `linger`, but closed `EXPIRY_MARGIN` (or half the time left,
 * when less) before its own credential expires, so that the client closes it (1000) before the server's
 * expiry does (4401 'credential expired'). A credential that has already
 * expired (a server that does not enforce expiry) lingers as usual: closing at
 * once would only drop those replies.
 */
export function retireDelay(credential: FetchedCredential | undefined, linger: number): number {
  const left = credential?.expiresAt ? credential.expiresAt - Date.now() : 0;
  return left > 0 ? Math.min(linger, left - Math.min(EXPIRY_MARGIN, left / 2)) : linger;
}
