import { fail } from '../errors/AuthSocketError.ts';
import { type Carrier, type CarrierContext, planFor } from './carrier.ts';
import { DEFAULT_PARAM } from '../wire.ts';

/** Credential as a query parameter of each attempt's URL. Prefer short-lived single-use tickets: URLs reach logs. */
export function createQueryCarrier({ auth }: CarrierContext): Carrier {
  const param = auth.param ?? DEFAULT_PARAM;
  if (typeof param !== 'string' || param === '') {
    throw fail('INVALID_OPTIONS', process.env.NODE_ENV !== 'production' ? 'auth.param: give a non-empty name' : 'auth.param');
  }
  return {
    name: 'query',
    prepare: (token, target) => planFor(target, (url) => url.searchParams.set(param, token)),
  };
}
