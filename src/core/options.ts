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



export function resolveReconnect(reconnect: AuthSocketOptions['reconnect']): ResolvedReconnect {
  const given = reconnect === false ? {} : reconnect ?? {};
  const resolved = { ...RECONNECT_DEFAULTS, ...stripUndefined(given), enabled: reconnect !== false };
  for (const key of Object.keys(RECONNECT_DEFAULTS) as Array<keyof ReconnectOptions>) {
    const value = resolved[key];
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw invalid(`reconnect.${key}: give a number ≥ 0`);
  }
  if (resolved.factor < 1) throw invalid('reconnect.factor: give ≥ 1');
  if (resolved.maxDelay < resolved.minDelay) throw invalid('reconnect.maxDelay: give ≥ minDelay');
  if (resolved.connectionTimeout === 0) throw invalid('reconnect.connectionTimeout: give > 0');
  return resolved;
}

/** Subprotocols the browser would refuse with a SyntaxError are refused here, with a reason. */
export function checkProtocols(protocols: unknown): string[] {
  if (protocols === undefined) return [];
  if (!Array.isArray(protocols) || protocols.some((entry) => typeof entry !== 'string' || entry === '' || !isHttpTokenText(entry))) {
    throw invalid(`protocols: give an array of ${HTTP_TOKEN_HINT}`);
  }
  if (new Set(protocols).size !== protocols.length) throw invalid('protocols: an entry repeats');
  return [...protocols];
}

export function checkQueueMax(queue: AuthSocketOptions['queue']): number {
  const max = queue?.max ?? 1000;
  if (!(max >= 0)) throw invalid('queue.max: give a number ≥ 0');
  return max;
}

/** A credential must not cross the network in clear text unless the user says so. */
export function checkTransportSecurity(url: URL, hasCredential: boolean, allowInsecure: boolean | undefined): void {
  if (hasCredential && url.protocol === 'ws:' && !isLoopbackHost(url.hostname) && !allowInsecure) {
    throw fail('INSECURE_TRANSPORT', `no credential over ws:// to ${url.hostname}; use wss:// or allowInsecure: true`);
  }
}

export function checkAuthSource(token: unknown): void {
  if (typeof token !== 'function' && (typeof token !== 'string' || token === '')) {
    throw invalid('auth.token: give a string or a function');
  }
}

export function checkMaxFailures(maxFailures: number | undefined): number {
  const value = maxFailures ?? 3;
  if (!(value >= 1)) throw invalid('auth.maxFailures: give ≥ 1');
  return value;
}

function stripUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
