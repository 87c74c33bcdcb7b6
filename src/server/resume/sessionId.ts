// Session ids: 128 random bits, 22 base64url characters (Web Crypto, so that
// it runs on every runtime the gate core does).

/** A new session id. */
export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
