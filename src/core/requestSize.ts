import type { AttemptPlan, AttemptTarget, Carrier } from '../carriers/carrier.ts';
import { AuthSocketError, fail } from '../errors/AuthSocketError.ts';

/**
 * The largest handshake line a credential may make (request line or header
 * line, in bytes). Past it the common servers and proxies refuse the upgrade
 * (HAProxy ~16 KB per field, Node's 16 KB for all headers), so the attempt
 * fails here with a clear error instead of as an opaque network failure.
 */
export const HANDSHAKE_LINE_LIMIT = 16_384;
/** Python `websockets` refuses a handshake line over ~4,110 bytes (HTTP 400): past this the hint names it. */
export const SMALL_SERVER_LINE_LIMIT = 4_096;

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** The longest line the handshake request of `plan` has, and which it is. */
export function longestLine(plan: AttemptPlan): { line: string; bytes: number } {
  const url = new URL(plan.url);
  let longest = { line: 'request line', bytes: bytes(`GET ${url.pathname}${url.search} HTTP/1.1`) };
  const headers = Object.entries(plan.headers ?? {});
  if (plan.protocols.length > 0) headers.unshift(['Sec-WebSocket-Protocol', plan.protocols.join(', ')]);
  for (const [name, value] of headers) {
    const size = bytes(`${name}: ${value}`);
    if (size > longest.bytes) longest = { line: `${name} header`, bytes: size };
  }
  return longest;
}

/** Throws `TOKEN_PROVIDER_FAILED` (never quoting the credential) when the credential makes a handshake line too long for any common server. */
export function checkHandshakeSize(plan: AttemptPlan, via: string): void {
  const { line, bytes: size } = longestLine(plan);
  if (size <= HANDSHAKE_LINE_LIMIT) return;
  throw fail('TOKEN_PROVIDER_FAILED', process.env.NODE_ENV !== 'production' ? `${line} ${size} bytes long, over the ${HANDSHAKE_LINE_LIMIT} bytes servers accept (via '${via}'); use a short ticket or auth.via 'message'` : `${size} > ${HANDSHAKE_LINE_LIMIT} bytes`);
}

/** A fixed string token that can never travel by this carrier is a setup error: `INVALID_OPTIONS`. */
export function checkFixedToken(carrier: Carrier, token: string, target: AttemptTarget): void {
  try {
    carrier.fits?.(token);
    // `prepare` is pure except for the cookie carrier (it writes the cookie); `fits` covers that one.
    if (carrier.name !== 'cookie') checkHandshakeSize(carrier.prepare(token, target), carrier.name);
  } catch (error) {
    throw new AuthSocketError('INVALID_OPTIONS', `auth.token: ${(error as Error).message}`);
  }
}
