/** Standard base64 of the UTF-8 bytes of `text`, with padding (RFC 4648 §4). */
export function encodeBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** base64url of the UTF-8 bytes of `text`, without padding (RFC 4648 §5). */
export const encodeBase64Url = (text: string): string =>
  encodeBase64(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * Strict inverse of {@link encodeBase64Url}: returns `undefined` for anything
 * that is not canonical unpadded base64url of valid UTF-8.
 */
export function decodeBase64Url(encoded: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) return undefined;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Non-canonical encodings (stray low bits) would decode to the same text.
    return encodeBase64Url(text) === encoded ? text : undefined;
  } catch {
    return undefined;
  }
}
