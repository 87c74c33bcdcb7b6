import { invalid } from '../errors/AuthSocketError.ts';
import type { AuthOptions } from '../types.ts';
import type { closeCodesFeature } from './closeCodes.ts';
import type { createHandshake } from './inBandAuth.ts';
import type { heartbeatFeature } from './heartbeat.ts';
import type { resumeFeature } from './resume.ts';
import type { setupFeature } from './setup.ts';
import type { validateFeature } from './validator.ts';

/**
 * The optional capabilities behind `heartbeat`, `validate`, `setup` and
 * `closeCodes`. The main entry plugs them all in (src/full.ts), so those options
 * take plain values. The lite entry plugs in none: each option value comes from
 * the entry's function of the same name (`heartbeat({ … })`), which brings its
 * implementation along, so an app bundles only the features it uses.
 */
export interface Features {
  heartbeat: typeof heartbeatFeature;
  validate: typeof validateFeature;
  setup: typeof setupFeature;
  closeCodes: typeof closeCodesFeature;
  /** `auth.ack`: the lite entry takes it as a value (`auth: { via, ack }`), not `true`. */
  ack: typeof createHandshake;
  resume: typeof resumeFeature;
}

/** The key under which a lite option value carries its feature. */
export const FEATURE = '~feature';

/** A lite option value: the option as the main entry takes it, with its implementation. */
export interface FeatureValue<Name extends keyof Features, Value> {
  readonly [FEATURE]: Features[Name];
  readonly featureOption: Value;
  /** Type-level only: which option this is for (never set). */
  readonly '~option'?: Name;
}

/** Wraps an option value with its feature: the lite entry's `heartbeat()`, `validate()`, … */
export const withFeature = <Name extends keyof Features, Value>(feature: Features[Name], value: Value): FeatureValue<Name, Value> =>
  ({ [FEATURE]: feature, featureOption: value }) as FeatureValue<Name, Value>;

/**
 * Option `name` made ready by its feature: the entry's own when it has one,
 * else the one a lite option value brings. `undefined` when the option is not set.
 * @throws {@link AuthSocketError} `INVALID_OPTIONS` for a plain value where a lite one is needed
 */
export function resolveFeature<Name extends keyof Features>(
  plugged: Partial<Features> | undefined,
  name: Name,
  given: unknown,
): ReturnType<Features[Name]> | undefined {
  if (given === undefined) return undefined;
  const own = plugged?.[name] as ((value: unknown) => ReturnType<Features[Name]>) | undefined;
  if (own) return own(given);
  const wrapped = given as Partial<FeatureValue<Name, unknown>> | null;
  const feature = wrapped?.[FEATURE] as ((value: unknown) => ReturnType<Features[Name]>) | undefined;
  if (!feature) throw invalid(`${name}: wrap it in ${name}() from 'authsocket/lite'`);
  return feature(wrapped!.featureOption);
}

/**
 * The `auth.ack` handshake: the entry's own for `ack: true`, or the lite
 * entry's `ack` value; `undefined` without `ack`.
 * @throws {@link AuthSocketError} `INVALID_OPTIONS` for `ack: true` where the value is needed
 */
export function resolveAck(plugged: Partial<Features> | undefined, auth: AuthOptions<any, any>): ReturnType<Features['ack']> | undefined {
  const ack: unknown = auth.ack;
  if (!ack) return undefined;
  const create = plugged?.ack ?? (typeof ack === 'function' ? (ack as Features['ack']) : undefined);
  if (!create) throw invalid("auth.ack: pass ack from 'authsocket/lite'");
  return create(auth);
}
