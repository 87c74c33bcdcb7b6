/**
 * authsocket/lite: the same client as `authsocket`, for apps that want the
 * smallest bundle. `auth.via` takes a carrier imported from this entry instead
 * of its name, so a bundler keeps only the carriers the app imports; there is
 * no tab sharing (`shared` is not an option here; use `authsocket` for it).
 * Everything else (options, events, methods, errors) is the main entry's.
 *
 * @example
 * ```ts
 * import { AuthSocket, subprotocol } from 'authsocket/lite';
 *
 * const socket = new AuthSocket('wss://api.example.com/live', {
 *   auth: { via: subprotocol, token: () => fetch('/ws-ticket', { method: 'POST' }).then((r) => r.text()) },
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
import { asPlugin, type CarrierPlugin } from './core/plugins.ts';
import type { AuthSocketOptions, CarrierName, MessageAuthOptions, UpgradeAuthOptions } from './types.ts';

export { AuthSocketError, type AuthSocketErrorCode } from './errors/AuthSocketError.ts';
export { jsonCodec } from './core/codec.ts';
export type { CarrierPlugin };
export type * from './types.ts';

/** The credential as the last offered subprotocol (`auth.via: 'subprotocol'` in the main entry). */
export const subprotocol = /* @__PURE__ */ asPlugin<'subprotocol'>(createSubprotocolCarrier);
/** The credential as a query parameter (`auth.param`). */
export const query = /* @__PURE__ */ asPlugin<'query'>(createQueryCarrier);
/** The credential in a cookie set right before each attempt (`auth.cookie`). */
export const cookie = /* @__PURE__ */ asPlugin<'cookie'>(createCookieCarrier);
/** The credential in the first message after open; may re-authenticate in place. */
export const message = /* @__PURE__ */ asPlugin<'message'>(createMessageCarrier);
/** `Authorization: Bearer` on the upgrade (Node, with `ws`). */
export const header = /* @__PURE__ */ asPlugin<'header'>(createHeaderCarrier);
/** Basic auth in the URL (deprecated). */
export const basic = /* @__PURE__ */ asPlugin<'basic'>(createBasicCarrier);

/** `auth` for the lite entry: `via` is a carrier value; `refresh: 'in-place'` type-checks only with `message`. */
export type LiteAuthOptions<In = unknown, Out = In> =
  | (Omit<MessageAuthOptions<In, Out>, 'via'> & { via: CarrierPlugin<'message'> })
  | (Omit<UpgradeAuthOptions<In, Out>, 'via'> & { via: CarrierPlugin<Exclude<CarrierName, 'message'>> });

/** The main entry's options, with `auth.via` a carrier value and no `shared`. */
export interface LiteAuthSocketOptions<In = unknown, Out = In> extends Omit<AuthSocketOptions<In, Out>, 'auth' | 'shared'> {
  auth?: LiteAuthOptions<In, Out>;
}

/** The lite `AuthSocket` class: the main entry's, constructed with {@link LiteAuthSocketOptions}. */
export interface LiteAuthSocketConstructor {
  new <In = unknown, Out = In>(url: string | URL, options?: LiteAuthSocketOptions<In, Out>): Core<In, Out>;
  readonly prototype: Core;
  readonly AuthSocketError: typeof Core.AuthSocketError;
  readonly jsonCodec: typeof Core.jsonCodec;
}

/** The client: see the main entry's `AuthSocket`; `auth.via` takes a carrier from this entry. */
export const AuthSocket = Core as unknown as LiteAuthSocketConstructor;
export type AuthSocket<In = unknown, Out = In> = Core<In, Out>;
export default AuthSocket;
