import type { Carrier, CarrierContext } from '../carriers/carrier.ts';
import { invalid } from '../errors/AuthSocketError.ts';
import type { shareAcrossTabs } from '../tabs/sharedSession.ts';
import type { CarrierName } from '../types.ts';
import type { Features } from './features.ts';

/**
 * A carrier as a value, for `auth.via` with the lite entry (`authsocket/lite`),
 * which bundles only the carriers an app imports. Opaque: pass one of the
 * entry's exports (`subprotocol`, `query`, `cookie`, `message`, `header`, `basic`).
 */
export interface CarrierPlugin<Via extends CarrierName = CarrierName> {
  (context: never): unknown;
  /** Type-level only: which carrier this is (never set). */
  readonly '~via'?: Via;
}

/** What a carrier module exports; the lite entry casts each to a {@link CarrierPlugin} (no wrapper to bundle). */
export type CreateCarrier = (context: CarrierContext) => Carrier;

/**
 * What an entry plugs into the core class (a static of its subclass): how
 * `auth.via` becomes a carrier, tab sharing for `shared`, and the optional
 * features. The core alone takes carrier and feature values and shares
 * nothing; the main entry and the CDN build plug in every carrier by name, the
 * tab group and every feature (src/full.ts).
 */
export interface Plugins {
  carrier(context: CarrierContext): Carrier;
  share?: typeof shareAcrossTabs;
  /** `heartbeat`, `validate`, `setup` and `closeCodes` taking plain values (src/core/features.ts). */
  features?: Features;
}

/** The core's own: `auth.via` is a carrier plugin; `shared` needs the full entry. */
export const LITE_PLUGINS: Plugins = {
  carrier(context) {
    const via: unknown = context.auth.via;
    if (typeof via !== 'function') throw invalid("auth.via: pass a carrier from 'authsocket/lite'");
    return (via as (context: CarrierContext) => Carrier)(context);
  },
};
