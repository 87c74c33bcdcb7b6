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
    const late = cause === TIMED_OUT;
    throw fail('TOKEN_PROVIDER_FAILED', late ? `auth.token gave no answer within ${timeout} ms; retrying` : 'auth.token failed (see cause); retrying', late ? undefined : cause);
  } finally {
    clearTimeout(timer);
  }
  // A string, `{ token, expiresAt? }`, or anything else (refused below).
  const { token, expiresAt } = typeof credential === 'string' ? { token: credential, expiresAt: undefined } : credential ?? {};
  if (typeof token !== 'string' || token === '') {
    throw fail('TOKEN_PROVIDER_FAILED', 'auth.token returned no token; return a string or { token, expiresAt }');
  }
  return { token, expiresAt: expiresAt ?? jwtExpiry(token), fetchedAt: Date.now() };
}

/** Refresh this long before expiry, or 10% of the token's lifetime when that is shorter. */
const REFRESH_LEAD = 60_000;

/** ms from now until the credential should be renewed; `undefined` when it has no (future) expiry. */
export function refreshDelay(credential: FetchedCredential | undefined): number | undefined {
  if (!credential?.expiresAt || credential.expiresAt <= Date.now()) return undefined;
  const lifetime = credential.expiresAt - credential.fetchedAt;
  const refreshAt = credential.expiresAt - Math.min(REFRESH_LEAD, lifetime / 10);
  return Math.max(0, refreshAt - Date.now());
}
