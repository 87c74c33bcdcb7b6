import Cookies from 'js-cookie';
import { fail } from '../errors/AuthSocketError.ts';
import { isWithinDomain } from '../utils/url.ts';
import { type Carrier, type CarrierContext, planFor } from './carrier.ts';
import { cookieLock } from './cookieLock.ts';
import { DEFAULT_COOKIE } from '../wire.ts';

/** Browsers keep a cookie of at most this many bytes (name and value); Chromium silently drops a larger one. */
export const COOKIE_LIMIT = 4096;

/**
 * Credential as a cookie, written right before each attempt and removed once
 * its handshake settled. Setup refuses what a browser would silently drop.
 */
export function createCookieCarrier({ auth, url, connectionTimeout = 10_000 }: CarrierContext): Carrier {
  if (typeof document === 'undefined' || typeof location === 'undefined') {
    throw fail('UNSUPPORTED_CARRIER', process.env.NODE_ENV !== 'production' ? "auth.via 'cookie' needs a browser page; in Node use 'header' or 'query'" : 'cookie');
  }
  const options = auth.cookie ?? {};
  const name = options.name ?? DEFAULT_COOKIE;
  const pageHost = location.hostname;
  const https = location.protocol === 'https:';
  const attributes = {
    path: options.path ?? '/',
    domain: options.domain,
    sameSite: options.sameSite ?? 'Strict',
    secure: options.secure ?? https,
  };

  if (attributes.sameSite === 'None' && !attributes.secure) {
    throw fail('INVALID_OPTIONS', process.env.NODE_ENV !== 'production' ? "cookie.sameSite 'None' needs cookie.secure" : 'cookie.sameSite');
  }
  // Every engine the same: WebKit drops Secure cookies even on http://localhost
  // (measured: WebKitGTK 2.50), where Chromium and Firefox keep them.
  if (attributes.secure && !https) {
    throw fail('INVALID_OPTIONS', process.env.NODE_ENV !== 'production' ? 'cookie.secure on a plain http page: serve it over https or drop secure' : 'cookie.secure');
  }
  const reachable = attributes.domain === undefined
    ? url.hostname === pageHost
    : isWithinDomain(pageHost, attributes.domain) && isWithinDomain(url.hostname, attributes.domain);
  if (!reachable) {
    throw fail('COOKIE_SCOPE', process.env.NODE_ENV !== 'production' ? `a cookie set on ${pageHost} does not reach ${url.hostname}; set auth.cookie.domain or use another carrier` : url.hostname);
  }

  const removal = { path: attributes.path, domain: attributes.domain };
  const lock = cookieLock(name, connectionTimeout);
  /**
   * The attempts holding the lock, each with the function that gives it up and
   * whether it wrote the cookie. Only such an attempt writes or removes the
   * cookie, and it removes it once: a later `settle` (a connection's end) is a
   * no-op, as the cookie in the jar may by then be another attempt's.
   */
  const holds = new Map<object, { release(): void; wrote: boolean }>();
  /** Throws when the browser would silently drop the cookie. */
  const fits = (token: string) => {
    const size = new TextEncoder().encode(`${name}=${Cookies.converter.write(token, name)}`).length;
    if (size > COOKIE_LIMIT) {
      throw fail('TOKEN_PROVIDER_FAILED', process.env.NODE_ENV !== 'production' ? `cookie of ${size} bytes, over the ${COOKIE_LIMIT} bytes browsers keep; use a short ticket or auth.via 'message'` : `${size} > ${COOKIE_LIMIT} bytes`);
    }
  };
  return {
    name: 'cookie',
    acquire: async (attempt) => {
      holds.set(attempt, { release: await lock.acquire(), wrote: false });
    },
    fits,
    prepare(token, target, attempt) {
      fits(token);
      const hold = attempt && holds.get(attempt);
      if (!hold) throw new Error('cookie carrier: prepare() before acquire() for this attempt');
      Cookies.set(name, token, attributes);
      hold.wrote = true;
      return planFor(target);
    },
    settle: (attempt) => {
      const hold = holds.get(attempt);
      if (!hold) return;
      holds.delete(attempt);
      if (hold.wrote) Cookies.remove(name, removal);
      hold.release();
    },
  };
}
