// `createAuthGate({ resume })`, checked once at creation.
import { invalidOption } from '../core/errors.ts';
import { createMemorySessions, type SessionLimits, type SessionStore } from './store.ts';

/**
 * The gate's `resume` option: sessions that outlive their connections.
 *
 * @example
 * ```ts
 * createAuthGate({ origins, verify, resume: { window: 60_000, maxBuffered: 500 } });
 * ```
 */
export interface ResumeOptions {
  /** ms a session outlives its connection. Default 120000. */
  window?: number;
  /** Frames kept per session until the client acknowledged them. Default 1000. */
  maxBuffered?: number;
  /** Where sessions live. Default: this process's memory (`createRedisSessions` shares them between instances). */
  store?: SessionStore;
}

export interface ResumeSettings {
  limits: SessionLimits;
  store: SessionStore;
}

const STORE_METHODS = ['create', 'take', 'sent', 'received', 'acknowledged', 'suspended', 'end'] as const;

/** The settings, or `undefined` when resume is off. */
export function resolveResume(option: boolean | ResumeOptions | undefined): ResumeSettings | undefined {
  if (option === undefined || option === false) return undefined;
  if (option !== true && (typeof option !== 'object' || option === null)) throw invalidOption('`resume` must be a boolean or an object');
  const { window = 120_000, maxBuffered = 1_000, store = createMemorySessions() } = option === true ? {} : option;
  if (!(Number.isFinite(window) && window > 0)) throw invalidOption('`resume.window` must be a positive number of ms');
  if (!(Number.isInteger(maxBuffered) && maxBuffered > 0)) throw invalidOption('`resume.maxBuffered` must be a positive integer');
  if (STORE_METHODS.some((method) => typeof store?.[method] !== 'function')) {
    throw invalidOption(`\`resume.store\` must have ${STORE_METHODS.join(', ')}`);
  }
  return { limits: { window, maxBuffered }, store };
}
