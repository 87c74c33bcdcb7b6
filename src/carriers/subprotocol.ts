import { fail } from '../errors/AuthSocketError.ts';
import { encodeBase64Url } from '../utils/base64url.ts';
import { HTTP_TOKEN_HINT, isHttpTokenText } from '../utils/httpToken.ts';
import type { Carrier, CarrierContext } from './carrier.ts';
import { DEFAULT_APP_PROTOCOL, DEFAULT_PREFIX } from '../wire.ts';


/** Credential as the last offered subprotocol: `prefix + base64url(token)`. */
export function createSubprotocolCarrier({ auth }: CarrierContext): Carrier {
  const prefix = auth.prefix ?? DEFAULT_PREFIX;
  // Subprotocol entries are HTTP tokens; base64url keeps any credential within them.
  if (!isHttpTokenText(prefix)) {
    throw fail('INVALID_OPTIONS', process.env.NODE_ENV !== 'production' ? `auth.prefix: use ${HTTP_TOKEN_HINT}` : 'auth.prefix');
  }
  return {
    name: 'subprotocol',
    prepare: (token, { url, protocols }) => ({
      url: url.href,
      protocols: [...(protocols.length > 0 ? protocols : [DEFAULT_APP_PROTOCOL]), prefix + encodeBase64Url(token)],
    }),
  };
}
