import { decodeBase64Url } from './base64url.ts';

/** The `exp` claim of a JWT in ms since epoch, or `undefined` when `token` is not a JWT with one. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  try {
    // Not three parts, or a payload that is not base64url of JSON: `JSON.parse('')` throws; `null` fails the destructuring.
    const { exp } = JSON.parse((parts.length === 3 && decodeBase64Url(parts[1]!)) || '') as { exp?: unknown };
    return Number.isFinite(exp) ? (exp as number) * 1000 : undefined;
  } catch {
    return undefined;
  }
}
