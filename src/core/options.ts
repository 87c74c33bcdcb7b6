import { fail, invalid } from '../errors/AuthSocketError.ts';
import type { AuthSocketOptions, ReconnectOptions } from '../types.ts';
import { HTTP_TOKEN_HINT, isHttpTokenText } from '../utils/httpToken.ts';
import { isLoopbackHost } from '../utils/url.ts';

/** Reconnect settings with every default filled in; `enabled: false` for `reconnect: false`. */
export type ResolvedReconnect = Required<ReconnectOptions> & { enabled: boolean };

const RECONNECT_DEFAULTS: Required<ReconnectOptions> = {
  minDelay: 500,
  maxDelay: 30_000,
  factor: 2,
  maxRetries: Infinity,
  connectionTimeout: 10_000,
  hintAfter: 3,
  minUptime: 5000,
};

/** `value` when it is a number ≥ `min` (NaN is not), else `INVALID_OPTIONS` naming the option. */
function atLeast<T>(name: string, value: T, min: number): T {
  if (!((value as number) >= min)) throw invalid(process.env.NODE_ENV !== 'production' ? `${name}: give a number ≥ ${min}` : `${name} ≥ ${min}`);
  return value;
}

export function resolveReconnect(reconnect: AuthSocketOptions['reconnect']): ResolvedReconnect {
  const given: ReconnectOptions = reconnect || {};
  const resolved = { enabled: reconnect !== false } as ResolvedReconnect;
  for (const key of Object.keys(RECONNECT_DEFAULTS) as Array<keyof ReconnectOptions>) {
    const value: unknown = given[key] === undefined ? RECONNECT_DEFAULTS[key] : given[key];
    // Not a number (a string such as '500' would compare as one): refused as NaN.
    resolved[key] = atLeast(`reconnect.${key}`, typeof value === 'number' ? value : NaN, key === 'factor' ? 1 : 0);
  }
  if (resolved.maxDelay < resolved.minDelay) throw invalid(process.env.NODE_ENV !== 'production' ? 'reconnect.maxDelay: give ≥ minDelay' : 'reconnect.maxDelay');
  if (resolved.connectionTimeout === 0) throw invalid(process.env.NODE_ENV !== 'production' ? 'reconnect.connectionTimeout: give > 0' : 'reconnect.connectionTimeout');
  return resolved;
}

/** Subprotocols the browser would refuse with a SyntaxError are refused here, with a reason. */
export function checkProtocols(protocols: unknown): string[] {
  if (protocols === undefined) return [];
  if (!Array.isArray(protocols) || protocols.some((entry) => typeof entry !== 'string' || entry === '' || !isHttpTokenText(entry))) {
    throw invalid(process.env.NODE_ENV !== 'production' ? `protocols: give an array of ${HTTP_TOKEN_HINT}` : 'protocols');
  }
  if (new Set(protocols).size !== protocols.length) throw invalid(process.env.NODE_ENV !== 'production' ? 'protocols: an entry repeats' : 'protocols');
  return [...protocols];
}

export function checkQueueMax(queue: AuthSocketOptions['queue']): number {
  return atLeast('queue.max', queue?.max ?? 1000, 0);
}

/** A credential must not cross the network in clear text unless the user says so. */
export function checkTransportSecurity(url: URL, hasCredential: boolean, allowInsecure: boolean | undefined): void {
  if (hasCredential && url.protocol === 'ws:' && !isLoopbackHost(url.hostname) && !allowInsecure) {
    throw fail('INSECURE_TRANSPORT', process.env.NODE_ENV !== 'production' ? `no credential over ws:// to ${url.hostname}; use wss:// or allowInsecure: true` : url.hostname);
  }
}

export function checkAuthSource(token: unknown): void {
  if (typeof token !== 'function' && (typeof token !== 'string' || token === '')) {
    throw invalid(process.env.NODE_ENV !== 'production' ? 'auth.token: give a string or a function' : 'auth.token');
  }
}

export function checkMaxFailures(maxFailures: number | undefined): number {
  return atLeast('auth.maxFailures', maxFailures ?? 3, 1);
}
