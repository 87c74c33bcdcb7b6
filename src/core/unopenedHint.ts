import { AuthSocketError, fail } from '../errors/AuthSocketError.ts';
import { isOffline } from './browserSignals.ts';
import { SMALL_SERVER_LINE_LIMIT } from './requestSize.ts';

/** What the client knows about its attempts when none of them opened. */
export interface UnopenedFacts {
  attempts: number;
  /** Whether a credential rides on the upgrade request (not the message carrier). */
  credentialOnUpgrade: boolean;
  /** Application subprotocols offered (without the token entry); empty when none. */
  offered: readonly string[];
  /** The longest line of the last handshake request. */
  longest: { line: string; bytes: number } | undefined;
  /** The last attempt failed in the token provider, on the network: it never got as far as the WebSocket. */
  providerUnreachable?: boolean;
}

/**
 * The `CONNECTION_FAILED` hint after several attempts that never opened. A
 * browser shows every one of these causes the same way (`close` 1006, no
 * status), so it names those that fit this configuration, without picking one.
 */
export function unopenedHint({ attempts, credentialOnUpgrade, offered, longest, providerUnreachable }: UnopenedFacts): string {
  if (providerUnreachable) {
    return `${attempts} attempts never opened; likely: server down or unreachable (auth.token could not reach it either) or offline; retrying`;
  }
  const causes = ['server down or unreachable', `HTTP 401/403 on the upgrade${credentialOnUpgrade ? ' (close with 4401/4403 instead)' : ''} or a bad Origin`];
  if (offered.length > 0) causes.push(`no subprotocols (${offered.join(', ')}) selected`);
  if (longest && longest.bytes > SMALL_SERVER_LINE_LIMIT) causes.push(`${longest.line} (${longest.bytes} bytes) is too large for some servers`);
  return `${attempts} attempts never opened; likely: ${causes.join('; ')}; retrying`;
}

/** The server opened the connection without selecting any offered subprotocol (Firefox, WebKit); `next` says what happens now. */
export function noSubprotocolError(offered: readonly string[], next: string): AuthSocketError {
  return fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? `server selected no subprotocol of ${offered.join(', ') || 'those offered'}; make it select one; ${next}` : 'no subprotocol');
}

/**
 * Whether a failed token provider failed on the network rather than in its
 * own logic: offline, no answer in time (a `TimeoutError`, also what `fetch`
 * rejects with under `AbortSignal.timeout()`), or the `TypeError` that
 * `fetch` rejects with when the server cannot be reached ("Failed to fetch"
 * in Chromium, "NetworkError when attempting to fetch resource." in Firefox,
 * "Load failed" in WebKit).
 */
export function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof AuthSocketError) || error.code !== 'TOKEN_PROVIDER_FAILED') return false;
  const { cause } = error;
  return isOffline() || cause instanceof TypeError || (cause as { name?: unknown } | undefined)?.name === 'TimeoutError';
}
