import { decodeBase64Url } from './base64url.ts';

/** The `exp` claim of a JWT in ms since epoch, or `undefined` when `token` is not a JWT with one. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = decodeBase64Url(parts[1]!);
  if (payload === undefined) return undefined;
  try {
    const { exp } = JSON.parse(payload) as { exp?: unknown };
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
