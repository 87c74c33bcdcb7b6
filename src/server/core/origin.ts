// Cross-Site WebSocket Hijacking defence. Browsers send cookies (and Basic
// credentials) with a WebSocket handshake from any page, and the same-origin
// policy does not apply to WebSockets: the `Origin` header is the only thing
// that tells the server which page is asking.
import { invalidOption } from './errors.ts';
import type { OriginPolicy } from './options.ts';
import type { GateRequest } from './runtime.ts';

export type OriginCheck<Req> = (req: GateRequest<Req>) => Promise<boolean>;

/** Turns the `origins` option into a check; throws on a policy that cannot be safe. */
export function createOriginCheck<Req>(policy: OriginPolicy<Req> | undefined): OriginCheck<Req> {
  if (typeof policy === 'function') {
    return async (req) => (await policy(originOf(req), req.native)) === true;
  }
  if (!Array.isArray(policy)) {
    throw invalidOption('`origins` is required (an array of allowed origins or a predicate)');
  }
  const allowed = new Set(policy.map(normalizeAllowedOrigin));
  return async (req) => {
    const origin = originOf(req);
    return origin !== undefined && allowed.has(origin);
  };
}

/** The request's `Origin`, or undefined when absent. */
export function originOf(req: GateRequest): string | undefined {
  return req.header('origin');
}

// Browsers send `scheme://host[:port]` in lower case without a default port or
// a trailing slash; an allowlist entry written differently would never match,
// so it is normalised here, and wildcards are refused rather than half-honoured.
function normalizeAllowedOrigin(entry: string): string {
  if (entry.includes('*')) {
    throw invalidOption(`origin ${JSON.stringify(entry)} has a wildcard; use a predicate`);
  }
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw invalidOption(`origin ${JSON.stringify(entry)} is not a URL origin like "https://app.example.com"; use a predicate for anything else`);
  }
  if (url.origin === 'null') {
    throw invalidOption(`origin ${JSON.stringify(entry)} cannot be allowlisted; use a predicate`);
  }
  return url.origin;
}
