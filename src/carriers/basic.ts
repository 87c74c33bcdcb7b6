import type { Carrier, CarrierContext } from './carrier.ts';

/**
 * Deprecated, opt-in: HTTP Basic credentials in the URL (`ws://user:token@host`).
 * Chromium sends them only after the server answers the upgrade with 401 and
 * `WWW-Authenticate: Basic`, so every connection costs an extra round trip, and
 * URLs with credentials end up in places URLs go. Prefer another carrier.
 */
export function createBasicCarrier({ auth }: CarrierContext): Carrier {
  const username = auth.username ?? 'token';
  return {
    name: 'basic',
    prepare: (token, { url, protocols }) => {
      const attemptUrl = new URL(url.href);
      attemptUrl.username = username;
      attemptUrl.password = token;
      return { url: attemptUrl.href, protocols: [...protocols] };
    },
  };
}
