import { type Carrier, type CarrierContext, planFor } from './carrier.ts';

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
    prepare: (token, target) => planFor(target, (url) => {
      url.username = username;
      url.password = token;
    }),
  };
}
