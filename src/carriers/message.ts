import { AuthSocketError } from '../errors/AuthSocketError.ts';
import type { Carrier, CarrierContext } from './carrier.ts';

const hasType = (msg: unknown, type: string) =>
  typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === type;

/**
 * Credential in the first message after open; the server answers with an ack
 * or a reject. Nothing else is sent before the ack.
 */
export function createMessageCarrier({ auth }: CarrierContext): Carrier {
  const timeout = auth.timeout ?? 10_000;
  if (!(timeout > 0)) throw new AuthSocketError('INVALID_OPTIONS', 'auth.timeout must be a positive number of ms.');
  const frame = auth.message ?? ((token: string) => JSON.stringify({ type: 'auth', token }));
  const isAck = auth.isAck ?? ((msg: unknown) => hasType(msg, 'auth_ok'));
  const isReject = auth.isReject ?? ((msg: unknown) => hasType(msg, 'auth_error'));
  return {
    name: 'message',
    prepare: (_token, { url, protocols }) => ({ url: url.href, protocols: [...protocols] }),
    inBand: {
      frame,
      verdict: (msg) => (isAck(msg) ? 'ack' : isReject(msg) ? 'reject' : undefined),
      timeout,
    },
  };
}
