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
import type { CarrierPlugin, CreateCarrier } from './core/plugins.ts';
import { closeCodesFeature } from './core/closeCodes.ts';
import { type FeatureValue, withFeature } from './core/features.ts';
import { heartbeatFeature } from './core/heartbeat.ts';
import { createHandshake } from './core/inBandAuth.ts';
import { resumeFeature } from './core/resume.ts';
import { setupFeature } from './core/setup.ts';
import { validateFeature } from './core/validator.ts';
import type {
  AuthSocketOptions,
  CarrierName,
  CloseCodeAction,
  HeartbeatOptions,
  MessageAuthOptions,
  SetupConnection,
  StandardSchemaV1,
  UpgradeAuthOptions,
} from './types.ts';

export { AuthSocketError, type AuthSocketErrorCode } from './errors/AuthSocketError.ts';
export { jsonCodec } from './core/codec.ts';
export type { CarrierPlugin, FeatureValue };
export type * from './types.ts';

/** The credential as the last offered subprotocol (`auth.via: 'subprotocol'` in the main entry). */
export const subprotocol = (createSubprotocolCarrier satisfies CreateCarrier) as unknown as CarrierPlugin<'subprotocol'>;
/** The credential as a query parameter (`auth.param`). */
export const query = (createQueryCarrier satisfies CreateCarrier) as unknown as CarrierPlugin<'query'>;
/** The credential in a cookie set right before each attempt (`auth.cookie`). */
export const cookie = (createCookieCarrier satisfies CreateCarrier) as unknown as CarrierPlugin<'cookie'>;
/** The credential in the first message after open; may re-authenticate in place. */
export const message = (createMessageCarrier satisfies CreateCarrier) as unknown as CarrierPlugin<'message'>;
/** `Authorization: Bearer` on the upgrade (Node, with `ws`). */
export const header = (createHeaderCarrier satisfies CreateCarrier) as unknown as CarrierPlugin<'header'>;
/** Basic auth in the URL (deprecated). */
export const basic = (createBasicCarrier satisfies CreateCarrier) as unknown as CarrierPlugin<'basic'>;

/**
 * `heartbeat` for the lite entry: the main entry's option, wrapped so that the
 * heartbeat is bundled only by apps that use it.
 * @example
 * ```ts
 * new AuthSocket(url, { auth, heartbeat: heartbeat({ interval: 20_000, timeout: 5_000 }) });
 * ```
 */
export const heartbeat = <In = unknown, Out = In>(options: HeartbeatOptions<In, Out>): FeatureValue<'heartbeat', HeartbeatOptions<In, Out>> =>
  withFeature(heartbeatFeature, options);

/**
 * `validate` for the lite entry: a Standard Schema validator for incoming messages.
 * @example
 * ```ts
 * new AuthSocket(url, { auth, validate: validate(z.object({ type: z.string() })) });
 * ```
 */
export const validate = <In>(schema: StandardSchemaV1<unknown, In>): FeatureValue<'validate', StandardSchemaV1<unknown, In>> =>
  withFeature(validateFeature, schema);

/**
 * `setup` for the lite entry: runs on every authenticated connection before `open`.
 * @example
 * ```ts
 * new AuthSocket(url, { auth, setup: setup((connection) => connection.send({ type: 'subscribe', room: 'lobby' })) });
 * ```
 */
export const setup = <Out = unknown>(run: (connection: SetupConnection<Out>) => void | Promise<void>): FeatureValue<'setup', (connection: SetupConnection<Out>) => void | Promise<void>> =>
  withFeature(setupFeature, run);

/**
 * `closeCodes` for the lite entry: your meaning for close codes the server sends.
 * @example
 * ```ts
 * new AuthSocket(url, { auth, closeCodes: closeCodes({ 4400: 'fatal', 4408: 'unauthorized' }) });
 * ```
 */
export const closeCodes = (codes: Record<number, CloseCodeAction>): FeatureValue<'closeCodes', Record<number, CloseCodeAction>> =>
  withFeature(closeCodesFeature, codes);

/**
 * `resume` for the lite entry (the main entry's `resume: true`): sessions that
 * outlive their connections, with a server that has `resume` on.
 * @example
 * ```ts
 * new AuthSocket(url, { auth, resume: resume() });
 * ```
 */
export const resume = (): FeatureValue<'resume', true> => withFeature(resumeFeature, true);

/** An in-band ack handshake, for `auth.ack` with the lite entry. Opaque: pass the entry's `ack`. */
export interface AckPlugin {
  (auth: never): unknown;
  /** Type-level only (never set). */
  readonly '~ack'?: true;
}

/**
 * `auth.ack` for the lite entry (the main entry's `ack: true`): stay
 * `authenticating` after the socket opened until the server's ack.
 * @example
 * ```ts
 * import { ack, AuthSocket, subprotocol } from 'authsocket/lite';
 * new AuthSocket(url, { auth: { via: subprotocol, ack, token: getTicket } });
 * ```
 */
export const ack = createHandshake as unknown as AckPlugin;

/**
 * What the type checker shows when `auth.via` is a carrier's name in the lite
 * entry: the fix. (A value of this type is refused at runtime like any string.)
 */
export type ImportTheCarrier = "authsocket/lite takes the carrier as a value: import { subprotocol } (or query, cookie, message, header, basic) from 'authsocket/lite' and pass via: subprotocol";

/** `auth` for the lite entry: `via` is a carrier value; `refresh: 'in-place'` type-checks only with `message`. */
export type LiteAuthOptions<In = unknown, Out = In> =
  | (Omit<MessageAuthOptions<In, Out>, 'via' | 'ack'> & { via: CarrierPlugin<'message'> | ImportTheCarrier; ack?: AckPlugin })
  | (Omit<UpgradeAuthOptions<In, Out>, 'via' | 'ack'> & { via: CarrierPlugin<Exclude<CarrierName, 'message'>> | ImportTheCarrier; ack?: AckPlugin });

/** The main entry's options, with `auth.via` a carrier value, the optional features wrapped, and no `shared`. */
export interface LiteAuthSocketOptions<In = unknown, Out = In>
  extends Omit<AuthSocketOptions<In, Out>, 'auth' | 'shared' | 'heartbeat' | 'validate' | 'setup' | 'closeCodes' | 'resume'> {
  auth?: LiteAuthOptions<In, Out>;
  /** Dead-connection detection: `heartbeat({ interval, timeout })` from this entry. */
  heartbeat?: FeatureValue<'heartbeat', HeartbeatOptions<In, Out>>;
  /** Incoming message validation: `validate(schema)` from this entry. */
  validate?: FeatureValue<'validate', StandardSchemaV1<unknown, In>>;
  /** Runs on every authenticated connection: `setup(fn)` from this entry. */
  setup?: FeatureValue<'setup', (connection: SetupConnection<Out>) => void | Promise<void>>;
  /** Your meaning for server close codes: `closeCodes({ 4400: 'fatal' })` from this entry. */
  closeCodes?: FeatureValue<'closeCodes', Record<number, CloseCodeAction>>;
  /** Sessions that outlive their connections: `resume()` from this entry. */
  resume?: FeatureValue<'resume', true>;
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
