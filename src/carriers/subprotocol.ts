import { AuthSocketError } from '../errors/AuthSocketError.ts';
import { encodeBase64Url } from '../utils/base64url.ts';
import type { Carrier, CarrierContext } from './carrier.ts';

/** Offered when the user names no app protocol, so the server never has to select (echo) the token entry. */
export const DEFAULT_APP_PROTOCOL = 'authsocket';

/** RFC 6455 subprotocols are HTTP tokens; base64url keeps any credential within them. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/;

/** Credential as the last offered subprotocol: `prefix + base64url(token)`. */
export function createSubprotocolCarrier({ auth }: CarrierContext): Carrier {
  const prefix = auth.prefix ?? 'base64url.bearer.';
  if (!HTTP_TOKEN.test(prefix)) {
    throw new AuthSocketError('INVALID_OPTIONS', 'auth.prefix must contain only HTTP token characters (letters, digits, and !#$%&\'*+-.^_`|~).');
  }
  return {
    name: 'subprotocol',
    prepare: (token, { url, protocols }) => ({
      url: url.href,
      protocols: [...(protocols.length > 0 ? protocols : [DEFAULT_APP_PROTOCOL]), prefix + encodeBase64Url(token)],
    }),
  };
}
