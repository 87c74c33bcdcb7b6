// The client's own vocabulary: carriers and optional features as values.
// `authsocket/lite` takes options in it as they are; the main entry maps its
// names and plain objects to it in one place (src/full.ts).
import type { Carrier, CarrierContext, InBandAuth } from '../carriers/carrier.ts';
import type { TabGroup, TabHost } from '../tabs/sharedSession.ts';
import type { AuthOptionsBase, CarrierName, ClientOptions, MessageAuthOptions, UpgradeAuthOptions } from '../types.ts';
import type * as features from '../features.ts';

/**
 * A carrier as a value, for `auth.via` with `authsocket/lite`, which bundles
 * only the carriers an app imports: one of the entry's exports (`subprotocol`,
 * `query`, `cookie`, `message`, `header`, `basic`).
 */
export type CarrierPlugin<Via extends CarrierName = CarrierName> = ((context: CarrierContext) => Carrier) & {
  /** Type-level only: which carrier this is (never set). */
  readonly '~via'?: Via;
};

/** An in-band ack handshake, for `auth.ack` with `authsocket/lite`: the entry's `ack`. */
export type AckPlugin = ((auth: Omit<AuthOptionsBase<any, any>, 'ack'>) => InBandAuth) & {
  /** Type-level only (never set). */
  readonly '~ack'?: true;
};

/**
 * What the type checker shows when `auth.via` is a carrier's name in the lite
 * entry: the fix. (A value of this type is refused at runtime like any string.)
 */
export type ImportTheCarrier = "authsocket/lite takes the carrier as a value: import { subprotocol } (or query, cookie, message, header, basic) from 'authsocket/lite' and pass via: subprotocol";

/** `auth` for the lite entry: `via` is a carrier value; `refresh: 'in-place'` type-checks only with `message`. */
export type LiteAuthOptions<In = unknown, Out = In> =
  | (Omit<MessageAuthOptions<In, Out>, 'via' | 'ack'> & { via: CarrierPlugin<'message'> | ImportTheCarrier; ack?: AckPlugin })
  | (Omit<UpgradeAuthOptions<In, Out>, 'via' | 'ack'> & { via: CarrierPlugin<Exclude<CarrierName, 'message'>> | ImportTheCarrier; ack?: AckPlugin });

/** The optional features as values: what the lite entry's `heartbeat()`, `validate()`, `setup()`, `closeCodes()` return. */
export type FeatureValues = { [Name in keyof typeof features]: ReturnType<(typeof features)[Name]> };

/** The main entry's options with carriers and optional features as values, and no `shared`. */
export interface LiteAuthSocketOptions<In = unknown, Out = In> extends ClientOptions<In, Out, LiteAuthOptions<In, Out>, FeatureValues> {}

/** What the core takes: the lite options and, from the main entry, tab sharing. */
export interface CoreOptions<In = unknown, Out = In> extends LiteAuthSocketOptions<In, Out> {
  /** Refused without `share` (the lite entry has no tab sharing). */
  shared?: unknown;
  /** The tab group for this instance, or `undefined` where it keeps its own connection. */
  share?: (url: string, max: number, host: TabHost<In>) => TabGroup<In> | undefined;
}
