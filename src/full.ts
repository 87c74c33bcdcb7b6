// The AuthSocket of the main entry and the CDN build: the core, with the public
// vocabulary (carriers by name, plain feature options, `shared`) mapped to the
// core's values here, in one place.
import type { CarrierContext } from './carriers/carrier.ts';
import { createCarrier } from './carriers/index.ts';
import { AuthSocket as Core } from './core/AuthSocket.ts';
import { createHandshake } from './core/inBandAuth.ts';
import type { CoreOptions, LiteAuthOptions } from './core/plugins.ts';
import * as features from './features.ts';
import { shareAcrossTabs } from './tabs/sharedSession.ts';
import type { AuthSocketOptions } from './types.ts';

/** The main entry's options in the core's vocabulary. */
function toCoreOptions<In, Out>(options: AuthSocketOptions<In, Out>): CoreOptions<In, Out> {
  const { auth, shared } = options;
  const core: Record<string, unknown> = {
    ...options,
    auth: auth && ({ ...auth, via: (context: CarrierContext) => createCarrier({ ...context, auth }), ack: auth.ack ? createHandshake : undefined } as LiteAuthOptions<In, Out>),
    share: ((url, max, host) => shareAcrossTabs(shared, url, max, host)) satisfies CoreOptions<In, Out>['share'],
  };
  // Each optional feature's plain option becomes its value (`undefined` stays unset).
  for (const [name, make] of Object.entries(features)) {
    const option = core[name];
    if (option !== undefined) core[name] = (make as (option: unknown) => unknown)(option);
  }
  return core as CoreOptions<In, Out>;
}

/**
 * A WebSocket client that authenticates every connection with a fresh
 * credential, reconnects with jittered backoff, and queues what you send until
 * the server has accepted the credential. Every carrier is available by name;
 * `authsocket/lite` bundles only the ones an app imports.
 *
 * @typeParam In - messages the server sends (after decoding)
 * @typeParam Out - messages you send (before encoding)
 *
 * @example
 * ```ts
 * const socket = new AuthSocket('wss://api.example.com/ws', {
 *   auth: { via: 'subprotocol', token: () => fetch('/ws-ticket').then((r) => r.text()) },
 * });
 * socket.on('message', (msg) => console.log(msg));
 * ```
 */
export class AuthSocket<In = unknown, Out = In> extends Core<In, Out> {
  /**
   * @param url - `ws:`/`wss:` (or `http:`/`https:`, converted; a relative path resolves against the page)
   * @throws {@link AuthSocketError} `INVALID_URL`, `INVALID_OPTIONS`, `INSECURE_TRANSPORT`, `UNSUPPORTED_CARRIER` or `COOKIE_SCOPE`
   */
  constructor(url: string | URL, options: AuthSocketOptions<In, Out> = {}) {
    super(url, toCoreOptions(options));
  }
}
