// What an upgrade request must be before `verify` runs: on a path the gate
// serves, a well-formed WebSocket handshake, from an allowed Origin, offering
// a subprotocol the gate can select. A single-use ticket redeemed for a
// handshake that then fails would be lost.
import { DEFAULT_APP_PROTOCOL } from '../../wire.ts';
import { invalidOption } from './errors.ts';
import type { OriginPolicy } from './options.ts';
import type { GateRequest } from './runtime.ts';

// RFC 7230 `token`: what a subprotocol name may be made of.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** True when `ws` (and the browsers' peers) would accept this request as a WebSocket handshake. */
export function isWebSocketHandshake(req: GateRequest): boolean {
  const version = req.header('sec-websocket-version');
  return (
    req.method === 'GET' &&
    req.header('upgrade')?.toLowerCase() === 'websocket' &&
    KEY.test(req.header('sec-websocket-key') ?? '') &&
    (version === '13' || version === '8')
  );
}

/**
 * The offered subprotocols in order, `[]` when none, or `undefined` when the
 * header is malformed (empty entry, bad characters, a duplicate).
 *
 * Parsed exactly as `ws` parses it, so that a header `ws` will answer with 400
 * is refused here, before `verify` spends a ticket on it: entries are split on
 * `,`, only SP and HTAB around them are optional whitespace (`trim()` would
 * also drop U+00A0 and other Unicode spaces, which `ws` refuses), and every
 * entry must be an RFC 7230 token.
 */
export function offeredProtocols(req: GateRequest): string[] | undefined {
  const header = req.header('sec-websocket-protocol');
  if (header === undefined) return [];
  if (/^[ \t]|[ \t]$/.test(header)) return undefined; // `ws` refuses whitespace at either end
  const entries = header.split(',').map((entry) => entry.replace(/^[ \t]+|[ \t]+$/g, ''));
  const valid = entries.every((entry) => TOKEN.test(entry)) && new Set(entries).size === entries.length;
  return valid ? entries : undefined;
}

/**
 * The subprotocol to select: the first of the gate's `protocols` the client
 * offered, else `authsocket` (the client's default) if offered. Never a
 * token entry: echoing it would put the credential in the response.
 */
export function selectProtocol(offered: readonly string[], preferred: readonly string[], prefix: string): string | undefined {
  const candidates = offered.filter((entry) => !entry.startsWith(prefix));
  return preferred.find((protocol) => candidates.includes(protocol))
    ?? (candidates.includes(DEFAULT_APP_PROTOCOL) ? DEFAULT_APP_PROTOCOL : undefined);
}

// The gate option `path`: which upgrade requests a gate serves. Matching is
// what `ws`'s `WebSocketServer({ path })` does — the request URL's path up to
// `?`, compared exactly (no decoding, no trailing-slash folding) — and so is
// the answer to any other path: HTTP 400.
/** Whether a gate serves a request URL (absolute or origin-form). */
export type PathMatcher = (url: string) => boolean;

/** The `path` option as a matcher; throws on a path no request can have. */
export function resolvePaths(path: string | readonly string[] | undefined): PathMatcher {
  if (path === undefined) return () => true;
  const paths = typeof path === 'string' ? [path] : Array.isArray(path) ? [...path] : [];
  if (paths.length === 0 || !paths.every((entry) => typeof entry === 'string' && /^\/[^?#\s]*$/.test(entry))) {
    throw invalidOption('`path` must be a path like "/live" (or a non-empty array of them), without query or fragment');
  }
  const served = new Set(paths);
  return (url) => served.has(pathOf(url));
}

/** The path of a request URL as sent: `/live` of `/live?x=1` and of `https://host/live?x=1`. */
export function pathOf(url: string): string {
  // Absolute form (proxies, Fetch-API runtimes): drop scheme and authority, keep the path as sent.
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  const rest = absolute ? url.slice(absolute[0].length) || '/' : url || '/';
  const query = rest.search(/[?#]/);
  return query < 0 ? rest : rest.slice(0, query);
}

// Cross-Site WebSocket Hijacking defence. Browsers send cookies (and Basic
// credentials) with a WebSocket handshake from any page, and the same-origin
// policy does not apply to WebSockets: the `Origin` header is the only thing
// that tells the server which page is asking.
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
