import { fail } from '../errors/AuthSocketError.ts';
import type { AuthOptions } from '../types.ts';
import { hasType } from '../core/codec.ts';
import { type Carrier, type CarrierContext, type InBandAuth, planFor } from './carrier.ts';


/**
 * How to read the server's verdict on a credential: `auth.isAck` (default
 * `type === 'auth_ok'`), `auth.isReject` (default `type === 'auth_error'`),
 * within `auth.timeout` (default 10 s). With `frame`, the client sends it first.
 */
export function createHandshake(auth: AuthOptions<any, any>, frame?: (token: string) => unknown): InBandAuth {
  const timeout = auth.timeout ?? 10_000;
  if (!(timeout > 0)) throw fail('INVALID_OPTIONS', 'auth.timeout: give ms > 0');
  const isAck = auth.isAck ?? ((msg: unknown) => hasType(msg, 'auth_ok'));
  const isReject = auth.isReject ?? ((msg: unknown) => hasType(msg, 'auth_error'));
  return {
    ...(frame ? { frame } : {}),
    verdict: (msg) => (isAck(msg) ? 'ack' : isReject(msg) ? 'reject' : undefined),
    timeout,
  };
}

/**
 * Credential in the first message after open; the server answers with an ack
 * or a reject. Nothing else is sent before the ack.
 */
export function createMessageCarrier({ auth }: CarrierContext): Carrier {
  const frame = auth.message ?? ((token: string) => JSON.stringify({ type: 'auth', token }));
  return {
    name: 'message',
    prepare: (_token, target) => planFor(target),
    inBand: createHandshake(auth, frame),
  };
}
