import { AuthSocketError } from '../errors/AuthSocketError.ts';

/**
 * Normalises the user's URL to `ws:`/`wss:`: `http(s):` is converted and a
 * relative path resolves against the page's `location`.
 */
export function toSocketUrl(input: string | URL): URL {
  let url: URL;
  try {
    const base = typeof location === 'undefined' ? undefined : location.href;
    url = new URL(String(input), base);
  } catch {
    throw new AuthSocketError('INVALID_URL', `"${String(input)}" is not a URL; pass a ws://, wss://, http:// or https:// URL.`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new AuthSocketError('INVALID_URL', `Unsupported URL scheme "${url.protocol}"; use ws:, wss:, http: or https:.`);
  }
  // WebSocket URLs cannot carry a fragment.
  url.hash = '';
  return url;
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1: hosts whose traffic never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === '::1'
  );
}

/** Whether `host` is `domain` or one of its subdomains (cookie domain matching). */
export function isWithinDomain(host: string, domain: string): boolean {
  const normalized = domain.toLowerCase().replace(/^\./, '');
  const candidate = host.toLowerCase();
  return candidate === normalized || candidate.endsWith(`.${normalized}`);
}
