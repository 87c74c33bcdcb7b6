import { invalid } from '../errors/AuthSocketError.ts';
import type { closeCodesFeature } from './closeCodes.ts';
import type { heartbeatFeature } from './heartbeat.ts';
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
}

/** The key under which a lite option value carries its feature. */
export const FEATURE = '~feature';

/** A lite option value: the option as the main entry takes it, with its implementation. */
export interface FeatureValue<Name extends keyof Features, Value> {
  readonly [FEATURE]: Features[Name];
  readonly value: Value;
  /** Type-level only: which option this is for (never set). */
  readonly '~option'?: Name;
}

/** Wraps an option value with its feature: the lite entry's `heartbeat()`, `validate()`, … */
export const withFeature = <Name extends keyof Features, Value>(feature: Features[Name], value: Value): FeatureValue<Name, Value> =>
  ({ [FEATURE]: feature, value }) as FeatureValue<Name, Value>;

/**
 * The implementation and the plain value of option `name`: the entry's own
 * feature when it has one, else the one a lite option value brings.
 * `undefined` when the option is not set.
 */
export function resolveFeature<Name extends keyof Features>(
  plugged: Partial<Features> | undefined,
  name: Name,
  given: unknown,
): [Features[Name], any] | undefined {
  if (given === undefined) return undefined;
  const own = plugged?.[name];
  if (own) return [own, given];
  const feature = (given as Partial<FeatureValue<Name, unknown>> | null)?.[FEATURE];
  if (!feature) throw invalid(`${name}: wrap it in ${name}() from 'authsocket/lite'`);
  return [feature, (given as FeatureValue<Name, unknown>).value];
}
