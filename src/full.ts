// The AuthSocket of the main entry and the CDN build: the core with every
// carrier by its name (`auth.via: 'subprotocol'`, …), tab sharing, and
// every optional feature taking plain option values.
import { createCarrier } from './carriers/index.ts';
import { AuthSocket as Core } from './core/AuthSocket.ts';
import type { Plugins } from './core/plugins.ts';
import { shareAcrossTabs } from './tabs/sharedSession.ts';
import { closeCodesFeature } from './core/closeCodes.ts';
import { heartbeatFeature } from './core/heartbeat.ts';
import { createHandshake } from './core/inBandAuth.ts';
import { resumeFeature } from './core/resume.ts';
import { setupFeature } from './core/setup.ts';
import { validateFeature } from './core/validator.ts';

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
  /** @internal */
  static override readonly plugins: Plugins = {
    carrier: createCarrier,
    share: shareAcrossTabs,
    features: { heartbeat: heartbeatFeature, validate: validateFeature, setup: setupFeature, closeCodes: closeCodesFeature, ack: createHandshake, resume: resumeFeature },
  };
}
