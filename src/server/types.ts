// Public types of `authsocket/server`. Kept apart from the code so that the
// shape of the API can be read in one place.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Revocations, RevokeOptions } from './revocations.ts';
import type { ResumeOptions } from './resume/options.ts';
import type { SessionInfo } from './resume/registry.ts';

/**
 * Where a gate looks for the credential.
 *
 * - `header`: `Authorization: Bearer <token>` (Node clients; browsers cannot send it).
 * - `subprotocol`: a `Sec-WebSocket-Protocol` entry `prefix + base64url(token)`.
 * - `query`: the `param` query parameter of the upgrade URL.
 * - `cookie`: the `cookie` cookie sent with the upgrade request.
 * - `message`: the first frame `{ "type": "auth", "token": "…" }` after the upgrade.
 * - `basic`: **deprecated**, opt-in only: HTTP Basic credentials from `ws://user:pass@host`.
 *
 * @example
 * ```ts
 * createAuthGate({ carriers: ['subprotocol', 'message'], origins, verify });
 * ```
 */
export type Carrier = 'header' | 'basic' | 'subprotocol' | 'query' | 'cookie' | 'message';

/**
 * What `verify` learns besides the token: which carrier brought it.
 *
 * @example
 * ```ts
 * verify: (token, req, { carrier }) => carrier === 'query' ? tickets.redeem(token) : sessions.lookup(token)
 * ```
 */
export interface VerifyContext {
  carrier: Carrier;
  /** The user name of a `basic` credential (the token is its password). */
  username?: string;
}

/**
 * Your credential check. Return the authenticated user (any truthy value) to
 * let the connection in; return a falsy value (`null`, `undefined`, `false`,
 * `0`, `''`, `NaN`, `0n`) to refuse it with 4401, so a user id `0` must be
 * wrapped (`{ id: 0 }`); throw {@link Forbidden} to refuse it with 4403.
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
export type Verify<User> = (
  token: string,
  req: IncomingMessage,
  context: VerifyContext,
) => User | null | undefined | false | Promise<User | null | undefined | false>;

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
export type OriginPolicy =
  | readonly string[]
  | ((origin: string | undefined, req: IncomingMessage) => boolean | Promise<boolean>);

/**
 * Options of `createAuthGate`. Only `origins` and `verify` are required; the
 * rest default to what the authsocket client sends.
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
export interface AuthGateOptions<User> {
  /** Which carriers to accept. Default `['subprotocol', 'query', 'cookie', 'message', 'header']`. */
  carriers?: readonly Carrier[];
  /** Required: allowed page origins (see {@link OriginPolicy}). */
  origins: OriginPolicy;
  /** Required: your credential check (see {@link Verify}). */
  verify: Verify<User>;
  /** Application subprotocols, in order of preference. The token entry is never selected. */
  protocols?: readonly string[];
  /** Query parameter of the `query` carrier. Default `'access_token'`. */
  param?: string;
  /** Subprotocol entry prefix of the `subprotocol` carrier. Default `'base64url.bearer.'`. */
  prefix?: string;
  /** Cookie name of the `cookie` carrier. Default `'ws_token'`. */
  cookie?: string;
  /** Milliseconds to wait for the first-message auth frame. Default `10000`. */
  timeout?: number;
  /**
   * Largest frame accepted, in bytes (bigger frames close the socket with 1009).
   * Applies for the socket's whole life. Default 1 MiB (`ws` alone allows 100 MiB).
   */
  maxPayload?: number;
  /** Realm of the `basic` carrier's `WWW-Authenticate` challenge. Default `'authsocket'`. */
  realm?: string;
  /** Resource limits on sockets still authenticating (see {@link AuthGateLimits}). */
  limits?: AuthGateLimits;
  /**
   * The client's address, for `limits.pendingPerAddress`. Default
   * `req.socket.remoteAddress`. Behind a reverse proxy every client has the
   * proxy's address: derive it from the header your proxy sets (and that
   * clients cannot forge past it), e.g. the last `X-Forwarded-For` entry.
   */
  address?: (req: IncomingMessage) => string;
  /**
   * The path(s) this gate serves, compared exactly with the request URL up to
   * `?` (as `ws`'s `WebSocketServer({ path })` does). Other paths are answered
   * HTTP 400 before anything else, except that with `attach(server)` they are
   * left to the server's other `upgrade` listeners when there are any (another
   * gate with its own `path`, your own router). Default: every path.
   */
  path?: string | readonly string[];
}

/**
 * Bounds on the unauthenticated phase. A socket is *pending* while `verify`
 * runs or while the gate awaits its first frame (message carrier). Every
 * refusal also emits `refused`.
 *
 * @example
 * ```ts
 * createAuthGate({ origins, verify, limits: { pending: 5_000, pendingPerAddress: 20, verifyTimeout: 3_000 } });
 * ```
 */
export interface AuthGateLimits {
  /** Sockets pending at once; beyond it HTTP 503 before the upgrade. Default `1000`. `Infinity` turns it off. */
  pending?: number;
  /** Sockets pending at once per client address (see `address`); beyond it HTTP 429. Default `50`. */
  pendingPerAddress?: number;
  /**
   * Milliseconds `verify` may take; then the upgrade is accepted and closed with
   * 1013 `'try again later'` (the client retries with backoff) and the gate
   * emits `error`. Default `10000`.
   */
  verifyTimeout?: number;
  /** Largest frame accepted before authentication (message carrier); bigger closes with 1009. Default `16384`. */
  authFrameBytes?: number;
}

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
export interface Refusal {
  /** HTTP status when refused before the upgrade (400, 401, 403). */
  status?: number;
  /** WebSocket close code when refused after the upgrade (1008, 1009, 1011, 4401, 4403). */
  code?: number;
  /** Short machine-friendly reason, e.g. `'origin not allowed'`, `'auth timeout'`. */
  reason: string;
  /** The carrier whose credential was refused, when one was found. */
  carrier?: Carrier;
  /** The request's `Origin` header. */
  origin?: string;
  /**
   * The refused request, for code that needs it (non-enumerable: never
   * printed or serialised with the refusal). Do not log its URL or headers.
   */
  readonly req: IncomingMessage;
}

/**
 * Event listeners of an {@link AuthGate}.
 *
 * @example
 * ```ts
 * gate.on('connection', (socket, user, req) => rooms.join(user.id, socket));
 * gate.on('error', (error) => log.error(error, 'verify failed'));
 * ```
 */
export interface AuthGateEvents<User> {
  /**
   * An authenticated socket: the only way sockets reach your app. With
   * `resume`, fired once per session (`info` says which; `moved` when it
   * continued on another instance before), and `socket` is the session's
   * socket (a `SessionSocket`: `send`, `close`, `terminate`, `readyState`,
   * `message` / `close` / `error` / `suspended` / `resumed`), the same object
   * across the client's connections.
   */
  connection: (socket: WebSocket, user: User, req: IncomingMessage, info?: SessionInfo) => void;
  /**
   * A message-carrier socket re-authenticated in place (the client's
   * `auth.refresh: 'in-place'`): `verify` accepted the new token, the gate
   * answered `auth_ok`. A refused one is answered `auth_error` and closed
   * (4401/4403), with a `refused` event. These auth frames never reach your
   * `message` listeners.
   *
   * @example
   * ```ts
   * gate.on('reauthenticated', (socket, user) => sessions.extend(user));
   * ```
   */
  reauthenticated: (socket: WebSocket, user: User, req: IncomingMessage) => void;
  /** A request or socket was turned away (for metrics and logs). */
  refused: (refusal: Refusal) => void;
  /**
   * `verify` threw something other than {@link Forbidden}, or a `connection`
   * listener threw: the socket was closed with 1011. Also a verify timeout
   * (1013), a user without a key or an `expiresAt` in seconds (1011), and
   * the revocation bus's errors (a Redis connection lost), which come
   * without a request (`req` is `undefined`).
   */
  error: (error: unknown, req: IncomingMessage | undefined) => void;
}

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

// ── The credential's lifetime, identity, revocation and `ack` ────────────────
// Declared as a second part of the same interfaces (TypeScript merges them), so
// that these options live in one block of their own.

// Options that keep an admitted socket honest after the handshake (a plain
// comment: TypeDoc takes the interface's doc comment from its first part), e.g.
//   createAuthGate({ origins, verify, expiresAt: (user) => user.exp * 1000,
//                    key: (user) => user.id, revocations, ack: true })
export interface AuthGateOptions<User> {
  /**
   * When the socket's credential ends, in ms since epoch (`undefined`: never).
   * At that moment the gate closes the socket with 4401 `'credential expired'`;
   * a credential already expired when verified is refused (4401). An in-place
   * re-authentication moves the end to the new token's. Default: the `exp`
   * claim (seconds) of a JWT token (not checked here: `verify` does that),
   * else never.
   */
  expiresAt?: (user: User, token: string) => number | undefined;
  /**
   * Who the user is, for `revoke()` and for re-authentication (which must stay
   * the same user). Default: the user itself when it is a string or number,
   * else its `id` property. Give it when your user has no `id`.
   */
  key?: (user: User) => string;
  /** Shares `revoke()` with every gate instance on the same bus (see `createRedisRevocations`). */
  revocations?: Revocations;
  /**
   * Send `{"type":"auth_ok"}` as the first frame of every admitted socket,
   * whatever the carrier, right after the 101 and before `connection`, so a
   * client with `auth.ack: true` opens only once its credential is accepted.
   * (The `message` carrier always answers `auth_ok`.) Default `false`.
   */
  ack?: boolean;
}

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

// ── `resume`: sessions that outlive their connections ────────────────────────
// A third part of the same interfaces, so that the resume hook stays one block.
export interface AuthGateOptions<User> {
  /**
   * Sessions for clients with `resume: true`: each admitted client gets a
   * session bound to its user key, which continues across its connections
   * (every frame both ways delivered once and in order); `connection` fires
   * once per session with a session socket. Clients without `resume` are
   * served as without this option. Default `false`.
   *
   * @example
   * ```ts
   * createAuthGate({ origins, verify, resume: { window: 120_000, maxBuffered: 1000 } });
   * ```
   */
  resume?: boolean | ResumeOptions;
}
