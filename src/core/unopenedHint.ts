import { AuthSocketError } from '../errors/AuthSocketError.ts';
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
}

/**
 * The `CONNECTION_FAILED` hint after several attempts that never opened. A
 * browser shows every one of these causes the same way (`close` 1006, no
 * status), so it names those that fit this configuration, without picking one.
 */
export function unopenedHint({ attempts, credentialOnUpgrade, offered, longest }: UnopenedFacts): string {
  const causes = ['the server is down or unreachable (or a proxy in between fails)'];
  causes.push(
    `it refuses the upgrade with an HTTP status (browsers see 401/403 as a network failure${credentialOnUpgrade ? '; for a bad credential, accept and close with 4401, or 4403 for forbidden' : ''}; a bad Origin also gets 403)`,
  );
  if (offered.length > 0) {
    causes.push(`it selected none of the offered subprotocols (${offered.join(', ')}): it must select one`);
  }
  if (longest && longest.bytes > SMALL_SERVER_LINE_LIMIT) {
    causes.push(`the ${longest.line} (${longest.bytes} bytes) is too large for it (Python websockets refuses lines over ~4,110 bytes): use a shorter ticket`);
  }
  return `${attempts} attempts in a row never opened. Likely causes: ${causes.map((cause, i) => `(${i + 1}) ${cause}`).join('; ')}. Still retrying.`;
}

/** The server opened the connection without selecting any offered subprotocol (Firefox, WebKit); `next` says what happens now. */
export function noSubprotocolError(offered: readonly string[], next: string): AuthSocketError {
  return new AuthSocketError(
    'CONNECTION_FAILED',
    `The server selected no subprotocol although the client offered ${offered.length > 0 ? offered.join(', ') : 'some'}; Chromium refuses such a connection, so every engine does: make the server select one. The attempt failed; ${next}.`,
  );
}
