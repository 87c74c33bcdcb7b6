import { fail } from '../errors/AuthSocketError.ts';
import { type Carrier, type CarrierContext, planFor } from './carrier.ts';

/**
 * `Authorization: Bearer <token>` on the upgrade request. Browsers cannot set
 * headers on a WebSocket, so this needs a constructor that takes `{ headers }`
 * as its third argument, like Node's `ws`.
 */
export function createHeaderCarrier({ WebSocket }: CarrierContext): Carrier {
  const inBrowser = typeof document !== 'undefined';
  // The runtime's own WebSocket (Node 22+, Deno, Bun) takes no headers either.
  if (inBrowser || WebSocket === undefined || WebSocket === (globalThis as { WebSocket?: unknown }).WebSocket) {
    throw fail('UNSUPPORTED_CARRIER', process.env.NODE_ENV !== 'production' ? "auth.via 'header' needs options.WebSocket from 'ws' (Node); in browsers use another carrier" : 'header');
  }
  return {
    name: 'header',
    prepare: (token, target) => {
      if (/[\r\n]/.test(token)) {
        throw fail('TOKEN_PROVIDER_FAILED', process.env.NODE_ENV !== 'production' ? 'token has a line break; a header cannot carry it' : 'header');
      }
      return { ...planFor(target), headers: { Authorization: `Bearer ${token}` } };
    },
  };
}
