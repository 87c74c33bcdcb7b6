// The gate option `path`: which upgrade requests a gate serves. Matching is
// what `ws`'s `WebSocketServer({ path })` does — the request URL up to `?`,
// compared exactly (no decoding, no trailing-slash folding) — and so is the
// answer to any other path: HTTP 400. Unlike `ws`, a gate attached with
// `path` leaves other paths to the server's other `upgrade` listeners, so
// several gates (or a gate and another WebSocket server) can share one HTTP
// server; only when no other listener would take a request does a gate
// answer it, so that it never hangs.
import type { IncomingMessage } from 'node:http';
import type { UpgradeListener } from './types.ts';

/** Whether a gate serves this request's path. */
export type PathMatcher = (req: IncomingMessage) => boolean;

/** The `path` option as a matcher; throws on a path no request can have. */
export function resolvePaths(path: string | readonly string[] | undefined): PathMatcher {
  if (path === undefined) return () => true;
  const paths = typeof path === 'string' ? [path] : Array.isArray(path) ? [...path] : [];
  if (paths.length === 0 || !paths.every((entry) => typeof entry === 'string' && /^\/[^?#\s]*$/.test(entry))) {
    throw new TypeError('createAuthGate: `path` must be a path like "/live" (or a non-empty array of them), without query or fragment');
  }
  const served = new Set(paths);
  return (req) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    return served.has(query < 0 ? url : url.slice(0, query));
  };
}

/** The `upgrade` source `attach` takes; `listeners` (as on `http.Server`) lets gates share it. */
export interface UpgradeSource {
  on(event: 'upgrade', listener: UpgradeListener): unknown;
  off(event: 'upgrade', listener: UpgradeListener): unknown;
  listeners?(event: 'upgrade'): unknown[];
}

// Every attached gate's listener, with what it serves.
const gateListeners = new WeakMap<object, PathMatcher>();

/**
 * The `upgrade` listener `attach` installs: `handle` every request the gate
 * serves; leave the others to another listener that will take them (a foreign
 * one, or a gate serving that path); and when none will, the first gate
 * attached to the server answers (HTTP 400 from `handle`).
 */
export function attachedListener(server: UpgradeSource, serves: PathMatcher, handle: UpgradeListener): UpgradeListener {
  const listener: UpgradeListener = (req, socket, head) => {
    if (serves(req)) return handle(req, socket, head);
    const all = server.listeners?.('upgrade') ?? [listener];
    const takers = all.filter((other) => other !== listener && (gateListeners.get(other as object)?.(req) ?? true));
    if (takers.length > 0) return;
    if (all.find((other) => gateListeners.has(other as object)) === listener) handle(req, socket, head);
  };
  gateListeners.set(listener, serves);
  return listener;
}
