// The gate option `path`: which upgrade requests a gate serves. Matching is
// what `ws`'s `WebSocketServer({ path })` does — the request URL's path up to
// `?`, compared exactly (no decoding, no trailing-slash folding) — and so is
// the answer to any other path: HTTP 400.
import { invalidOption } from './errors.ts';

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
