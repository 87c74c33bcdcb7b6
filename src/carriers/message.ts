import { createHandshake } from '../core/inBandAuth.ts';
import { type Carrier, type CarrierContext, planFor } from './carrier.ts';
import { AUTH_FRAME } from '../wire.ts';

/**
 * Credential in the first message after open; the server answers with an ack
 * or a reject. Nothing else is sent before the ack.
 */
export function createMessageCarrier({ auth }: CarrierContext): Carrier {
  const frame = auth.message ?? ((token: string) => JSON.stringify({ type: AUTH_FRAME.AUTH, token }));
  return {
    name: 'message',
    prepare: (_token, target) => planFor(target),
    inBand: createHandshake(auth, frame),
  };
}
