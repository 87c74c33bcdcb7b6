import { fail } from '../errors/AuthSocketError.ts';
import type { CarrierName } from '../types.ts';
import { createBasicCarrier } from './basic.ts';
import type { Carrier, CarrierContext } from './carrier.ts';
import { createCookieCarrier } from './cookie.ts';
import { createHeaderCarrier } from './header.ts';
import { createMessageCarrier } from './message.ts';
import { createQueryCarrier } from './query.ts';
import { createSubprotocolCarrier } from './subprotocol.ts';

const carriers: Record<CarrierName, (context: CarrierContext) => Carrier> = {
  subprotocol: createSubprotocolCarrier,
  query: createQueryCarrier,
  cookie: createCookieCarrier,
  message: createMessageCarrier,
  header: createHeaderCarrier,
  basic: createBasicCarrier,
};

/** The carrier named by `auth.via` (the main entry's names), checked against this page and these options. */
export function createCarrier(context: CarrierContext): Carrier {
  const via = context.auth.via as CarrierName;
  const create = Object.hasOwn(carriers, via) ? carriers[via] : undefined;
  if (!create) {
    throw fail('INVALID_OPTIONS', process.env.NODE_ENV !== 'production' ? `auth.via ${JSON.stringify(String(via))}: use one of ${Object.keys(carriers).join(', ')}` : 'auth.via');
  }
  return create(context);
}
