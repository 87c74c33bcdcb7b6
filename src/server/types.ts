// Public types of `authsocket/server` on Node (`createAuthGate`, the `ws`
// adapter): the runtime-neutral core's types with Node's request and `ws`'s
// socket filled in. Kept apart from the code so that the shape of the API can
// be read in one place; the options' documentation lives in core/options.ts.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type {
  Carrier,
  GateEvents,
  GateOptions,
  OriginPolicy as CoreOriginPolicy,
  Refusal as CoreRefusal,
  Verify as CoreVerify,
  VerifyContext,
  AuthGateLimits,
} from './core/options.ts';
import type { RevokeOptions } from './revocations.ts';

export type { AuthGateLimits, Carrier, VerifyContext };

/**
 * Your credential check. Return the authenticated user (any truthy value) to
 * let the connection in; return a falsy value (`null`, `undefined`, `false`,
 * `0`, `''`, `NaN`, `0n`) to refuse it with 4401, so a user id `0` must be
 * wrapped (`{ id: 0 }`); throw `Forbidden` to refuse it with 4403.
 * Any other thrown error closes the socket with 1011 and is reported on the
 * gate's `error` event.
 *
 * @example
 * ```ts
 * const verify: Verify<User> = async (token) => {
 *   const claims = await verifyJwt(token).catch(() => null);   // invalid → null → 4401
 *   if (claims?.suspended) throw new Forbidden('suspended');   // → 4403, no retry
 *   return claims && { id: claims.sub };
 * };
 * ```
 */
export type Verify<User> = CoreVerify<User, IncomingMessage>;

/**
 * Which page origins may open a socket: an exact allowlist of origins
 * (`'https://app.example.com'`), or a predicate. Requests without an `Origin`
 * header (most non-browser clients) are refused unless the predicate accepts
 * `undefined`.
 *
 * @example
 * ```ts
 * origins: ['https://app.example.com', 'https://admin.example.com']
 * // or: also let Node services in, which send no Origin
 * origins: (origin) => origin === undefined || origin === 'https://app.example.com'
 * ```
 */
export type OriginPolicy = CoreOriginPolicy<IncomingMessage>;

/**
 * Options of `createAuthGate`. Only `origins` and `verify` are required; the
 * rest default to what the authsocket client sends. `address` gets the
 * request and defaults to `req.socket.remoteAddress`; `maxPayload` defaults to
 * 1 MiB (`ws` alone allows 100 MiB); with `attach(server)`, paths outside
 * `path` are left to the server's other `upgrade` listeners when there are any.
 *
 * @example
 * ```ts
 * const options: AuthGateOptions<{ id: string }> = {
 *   origins: ['https://app.example.com'],
 *   verify: (ticket) => tickets.redeem(ticket),
 *   protocols: ['chat.v1'],
 *   timeout: 5_000,
 * };
 * ```
 */
export interface AuthGateOptions<User> extends GateOptions<User, IncomingMessage> {}

/**
 * Why a gate turned a request or socket away. Safe to log whole: it holds no
 * credential in any form, and its `req` is non-enumerable, so
 * `JSON.stringify`, `util.inspect`, `console.log` and `{ ...refusal }` leave it
 * out. Never log `req.url` or `req.headers` yourself: they carry the
 * credential (query ticket, Cookie, Authorization, Sec-WebSocket-Protocol).
 *
 * @example
 * ```ts
 * gate.on('refused', (refusal) => log.info(refusal, 'websocket refused'));
 * // { status: 403, reason: 'origin not allowed', origin: 'https://evil.example' }
 * ```
 */
export type Refusal = CoreRefusal<IncomingMessage>;

/**
 * Event listeners of an {@link AuthGate}.
 *
 * @example
 * ```ts
 * gate.on('connection', (socket, user, req) => rooms.join(user.id, socket));
 * gate.on('error', (error) => log.error(error, 'verify failed'));
 * ```
 */
export interface AuthGateEvents<User> extends GateEvents<User, WebSocket, IncomingMessage> {}

/**
 * The gate in front of your WebSocket endpoint. Create it with `createAuthGate`.
 *
 * @example
 * ```ts
 * const detach = gate.attach(httpServer);            // every upgrade on this server (or on `path`)
 * httpServer.on('upgrade', (req, socket, head) => {   // or route them yourself
 *   if (req.url?.startsWith('/live')) gate.handleUpgrade(req, socket, head);
 * });
 * await gate.close();                                // on shutdown
 * ```
 */
export interface AuthGate<User> {
  /**
   * Handles the `upgrade` events of `server`: all of them, or with `path` the
   * ones on that path (other paths are left to the server's other `upgrade`
   * listeners, and answered HTTP 400 when there is none).
   * @returns a function that detaches the gate again.
   */
  attach(server: { on(event: 'upgrade', listener: UpgradeListener): unknown;
                   off(event: 'upgrade', listener: UpgradeListener): unknown;
                   listeners?(event: 'upgrade'): unknown[] }): () => void;
  /** Handles one upgrade request, for servers that route upgrades themselves. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  on<E extends keyof AuthGateEvents<User>>(event: E, listener: AuthGateEvents<User>[E]): () => void;
  off<E extends keyof AuthGateEvents<User>>(event: E, listener: AuthGateEvents<User>[E]): void;
  /** Every open socket the gate accepted (authenticated or still authenticating). */
  readonly clients: ReadonlySet<WebSocket>;
  /** Closes every socket with 1001 and stops accepting upgrades. */
  close(): Promise<void>;
}

/**
 * An `http.Server` `'upgrade'` listener.
 *
 * @example
 * ```ts
 * const listener: UpgradeListener = (req, socket, head) => gate.handleUpgrade(req, socket, head);
 * ```
 */
export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface AuthGate<User> {
  /**
   * Closes every authenticated socket of the user `key` (as `options.key`
   * names it) with `code` (default 4403: the client stops; 4401: it comes back
   * with a fresh credential) and `reason` (default `'revoked'`). With
   * `revocations`, every other gate instance does the same. Resolves with the
   * number of sockets closed on this instance; rejects if publishing failed.
   * Make `verify` refuse the revoked credential too, or the client reconnects.
   *
   * @example
   * ```ts
   * app.post('/logout-everywhere', async (req, res) => {
   *   await sessions.revokeAll(req.user.id);          // verify now refuses old tokens
   *   const closed = await gate.revoke(req.user.id);  // 4403 on every instance
   *   res.json({ closed });
   * });
   * ```
   */
  revoke(key: string, options?: RevokeOptions): Promise<number>;
}
