import { type Carrier, type CarrierContext, planFor } from './carrier.ts';

/**
 * Deprecated, opt-in: HTTP Basic credentials in the URL (`ws://user:token@host`).
 * Every engine sends them only after the host answered an upgrade with 401 and
 * `WWW-Authenticate: Basic`; then Chromium waits for that challenge on every
 * connection (an extra round trip), WebKit sends the URL's credential at once,
 * and Firefox resends the one it cached for the host, not a fresh token. URLs
 * with credentials end up in places URLs go. Prefer another carrier.
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
