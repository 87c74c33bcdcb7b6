/**
 * authsocket/lite: the same client as `authsocket`, for apps that want the
 * smallest bundle. `auth.via` takes a carrier imported from this entry instead
 * of its name, and the optional features (`heartbeat`, `validate`, `setup`,
 * `closeCodes`) take their value wrapped by this entry's function of the same
 * name, so a bundler keeps only the carriers and features the app imports.
 * There is no tab sharing (`shared` is not an option here; use `authsocket`).
 * Everything else (options, events, methods, errors) is the main entry's.
 *
 * @example
 * ```ts
 * import { AuthSocket, heartbeat, subprotocol } from 'authsocket/lite';
 *
 * const socket = new AuthSocket('wss://api.example.com/live', {
 *   auth: { via: subprotocol, token: () => fetch('/ws-ticket', { method: 'POST' }).then((r) => r.text()) },
 *   heartbeat: heartbeat({ interval: 20_000, timeout: 5_000 }), // optional: bundled only when used
 * });
 * ```
 * @packageDocumentation
 */
import { createBasicCarrier } from './carriers/basic.ts';
import { createCookieCarrier } from './carriers/cookie.ts';
import { createHeaderCarrier } from './carriers/header.ts';
import { createMessageCarrier } from './carriers/message.ts';
import { createQueryCarrier } from './carriers/query.ts';
import { createSubprotocolCarrier } from './carriers/subprotocol.ts';
import { AuthSocket as Core } from './core/AuthSocket.ts';
import { createHandshake } from './core/inBandAuth.ts';
import type { AckPlugin, CarrierPlugin, LiteAuthSocketOptions } from './core/plugins.ts';

export { AuthSocketError, type AuthSocketErrorCode } from './errors/AuthSocketError.ts';
export { jsonCodec } from './core/codec.ts';
export type { AckPlugin, CarrierPlugin, FeatureValues, ImportTheCarrier, LiteAuthOptions, LiteAuthSocketOptions } from './core/plugins.ts';
export type { HeartbeatRunner } from './core/heartbeat.ts';
export type { SetupRunner } from './core/setup.ts';
export type { CloseCodeOverrides } from './core/closeCodes.ts';
export type { ValidateFeature } from './core/validator.ts';
export type * from './types.ts';

/** The credential as the last offered subprotocol (`auth.via: 'subprotocol'` in the main entry). */
export const subprotocol: CarrierPlugin<'subprotocol'> = createSubprotocolCarrier;
/** The credential as a query parameter (`auth.param`). */
export const query: CarrierPlugin<'query'> = createQueryCarrier;
/** The credential in a cookie set right before each attempt (`auth.cookie`). */
export const cookie: CarrierPlugin<'cookie'> = createCookieCarrier;
/** The credential in the first message after open; may re-authenticate in place. */
export const message: CarrierPlugin<'message'> = createMessageCarrier;
/** `Authorization: Bearer` on the upgrade (Node, with `ws`). */
export const header: CarrierPlugin<'header'> = createHeaderCarrier;
/** Basic auth in the URL (deprecated). */
export const basic: CarrierPlugin<'basic'> = createBasicCarrier;

/**
 * `auth.ack` for the lite entry (the main entry's `ack: true`): stay
 * `authenticating` after the socket opened until the server's ack.
 * @example
 * ```ts
 * import { ack, AuthSocket, subprotocol } from 'authsocket/lite';
 * new AuthSocket(url, { auth: { via: subprotocol, ack, token: getTicket } });
 * ```
 */
export const ack: AckPlugin = createHandshake;

// The optional features: each function checks its option and returns the
// value the option takes here (the main entry calls it on the plain option).
export * from './features.ts';

/** The lite `AuthSocket` class: the main entry's, constructed with {@link LiteAuthSocketOptions}. */
export interface LiteAuthSocketConstructor {
  new <In = unknown, Out = In>(url: string | URL, options?: LiteAuthSocketOptions<In, Out>): Core<In, Out>;
  readonly prototype: Core;
  readonly AuthSocketError: typeof Core.AuthSocketError;
  readonly jsonCodec: typeof Core.jsonCodec;
}

/** The client: see the main entry's `AuthSocket`; `auth.via` takes a carrier from this entry. */
export const AuthSocket: LiteAuthSocketConstructor = Core;
export type AuthSocket<In = unknown, Out = In> = Core<In, Out>;
export default AuthSocket;
