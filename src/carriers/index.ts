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

/** The carrier named by `auth.via`, checked against this page and these options. */
export function createCarrier(context: CarrierContext): Carrier {
  const create = Object.hasOwn(carriers, context.auth.via) ? carriers[context.auth.via] : undefined;
  if (!create) {
    throw fail('INVALID_OPTIONS', `auth.via ${JSON.stringify(String(context.auth.via))}: use one of ${Object.keys(carriers).join(', ')}`);
  }
  return create(context);
}
