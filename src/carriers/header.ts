import { AuthSocketError } from '../errors/AuthSocketError.ts';
import type { Carrier, CarrierContext } from './carrier.ts';

/**
 * `Authorization: Bearer <token>` on the upgrade request. Browsers cannot set
 * headers on a WebSocket, so this needs a constructor that takes `{ headers }`
 * as its third argument, like Node's `ws`.
 */
export function createHeaderCarrier({ WebSocket }: CarrierContext): Carrier {
  const inBrowser = typeof document !== 'undefined';
  const isNative = WebSocket !== undefined && WebSocket === (globalThis as { WebSocket?: unknown }).WebSocket;
  if (inBrowser || WebSocket === undefined || isNative) {
    throw new AuthSocketError(
      'UNSUPPORTED_CARRIER',
      "auth.via 'header' needs options.WebSocket taking { headers } (Node's ws); browsers cannot send headers: use 'subprotocol', 'query', 'cookie' or 'message'.",
    );
  }
  return {
    name: 'header',
    prepare: (token, { url, protocols }) => {
      if (/[\r\n]/.test(token)) {
        throw new AuthSocketError('TOKEN_PROVIDER_FAILED', 'The token contains a line break and cannot travel in a header.');
      }
      return { url: url.href, protocols: [...protocols], headers: { Authorization: `Bearer ${token}` } };
    },
  };
}
