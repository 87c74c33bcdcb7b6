import { fail } from '../errors/AuthSocketError.ts';

/**
 * Normalises the user's URL to `ws:`/`wss:`: `http(s):` is converted and a
 * relative path resolves against the page's `location`.
 */
export function toSocketUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(input), typeof location === 'undefined' ? undefined : location.href);
  } catch {
    throw fail('INVALID_URL', process.env.NODE_ENV !== 'production' ? 'not a URL; give ws(s):// or http(s)://' : '');
  }
  url.protocol = url.protocol.replace(/^http(s?):$/, 'ws$1:');
  if (!/^wss?:$/.test(url.protocol)) throw fail('INVALID_URL', process.env.NODE_ENV !== 'production' ? `${url.protocol} URL; give ws(s):// or http(s)://` : url.protocol);
  // WebSocket URLs cannot carry a fragment.
  url.hash = '';
  return url;
}

/** Who turns a host name into an address: a browser, or the system resolver (Node, Deno, Bun). */
export type HostResolver = 'browser' | 'system';

/**
 * The resolver in charge here. Browsers resolve `localhost` and every
 * `*.localhost` name to loopback themselves, by rule (RFC 6761; the WHATWG
 * "potentially trustworthy origin" rules), without asking DNS. Node, Deno and
 * Bun hand names to the system resolver, where `*.localhost` may be sent to a
 * DNS server and resolve off the machine. A page with Node integration
 * (Electron) counts as the system: when unsure, the stricter answer.
 */
export function hostResolver(): HostResolver {
  const runtime = globalThis as { process?: { versions?: { node?: unknown } }; Deno?: unknown; Bun?: unknown };
  return typeof runtime.process?.versions?.node === 'string' || runtime.Deno || runtime.Bun ? 'system' : 'browser';
}

/**
 * Whether traffic to `hostname` never leaves the machine: `localhost`,
 * 127.0.0.0/8 and `::1` everywhere; `*.localhost` only where a browser
 * resolves it (see {@link hostResolver}), since in Node the system resolver
 * may send it to the network, and a credential with it over plain `ws:`.
 */
export function isLoopbackHost(hostname: string, resolver: HostResolver = hostResolver()): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    (resolver === 'browser' && host.endsWith('.localhost')) ||
    /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host) ||
    host === '::1'
  );
}

/** Whether `host` is `domain` or one of its subdomains (cookie domain matching). */
export function isWithinDomain(host: string, domain: string): boolean {
  const normalized = domain.toLowerCase().replace(/^\./, '');
  const candidate = host.toLowerCase();
  return candidate === normalized || candidate.endsWith(`.${normalized}`);
}
