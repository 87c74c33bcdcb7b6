// The gate's options with defaults applied, checked once at creation so that
// a misconfiguration fails at startup rather than on the first connection.
import { DEFAULT_COOKIE, DEFAULT_PARAM, DEFAULT_PREFIX } from '../../wire.ts';
import { invalidOption } from './errors.ts';
import type { Carrier, GateOptions } from './options.ts';

export const DEFAULT_CARRIERS: readonly Carrier[] = ['subprotocol', 'query', 'cookie', 'message', 'header'];
const KNOWN_CARRIERS: readonly Carrier[] = ['header', 'basic', 'subprotocol', 'query', 'cookie', 'message'];

export interface GateSettings {
  carriers: ReadonlySet<Carrier>;
  protocols: readonly string[];
  param: string;
  prefix: string;
  cookie: string;
  timeout: number;
  maxPayload: number;
  realm: string;
}

export function resolveSettings<User, Req>(options: GateOptions<User, Req>): GateSettings {
  if (typeof options?.verify !== 'function') throw invalidOption('`verify` is required');
  const carriers = new Set(options.carriers ?? DEFAULT_CARRIERS);
  for (const carrier of carriers) {
    if (!KNOWN_CARRIERS.includes(carrier)) throw invalidOption(`unknown carrier ${JSON.stringify(carrier)}`);
  }
  // A request without a credential gets the Basic challenge (HTTP 401), so a
  // first-message client could never get in.
  if (carriers.has('basic') && carriers.has('message')) {
    throw invalidOption("carriers 'basic' and 'message' cannot be combined");
  }
  const settings: GateSettings = {
    carriers,
    protocols: [...(options.protocols ?? [])],
    param: options.param ?? DEFAULT_PARAM,
    prefix: options.prefix ?? DEFAULT_PREFIX,
    cookie: options.cookie ?? DEFAULT_COOKIE,
    timeout: options.timeout ?? 10_000,
    maxPayload: options.maxPayload ?? 1024 * 1024,
    realm: options.realm ?? 'authsocket',
  };
  for (const key of ['param', 'prefix', 'cookie'] as const) {
    if (typeof settings[key] !== 'string' || settings[key] === '') throw invalidOption(`\`${key}\` must be a non-empty string`);
  }
  for (const key of ['timeout', 'maxPayload'] as const) {
    if (!(Number.isFinite(settings[key]) && settings[key] > 0)) throw invalidOption(`\`${key}\` must be a positive number`);
  }
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(settings.prefix)) {
    throw invalidOption('`prefix` must be valid in a subprotocol name');
  }
  if (/["\\\r\n]/.test(settings.realm)) throw invalidOption('`realm` must not contain quotes, backslashes or newlines');
  return settings;
}
