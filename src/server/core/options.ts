// The gate's options, events and refusals, for any runtime. `Req` is the
// runtime's own request type (`IncomingMessage` on Node, `Request` on the
// Fetch-API runtimes), handed back to the app's callbacks as is; `Socket` is
// the socket type the app receives in `connection`.
import type { ResumeOptions } from '../resume/options.ts';
import type { Revocations } from '../revocations.ts';

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
export type Verify<User, Req = unknown> = (
  token: string,
  req: Req,
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
export type OriginPolicy<Req = unknown> =
  | readonly string[]
  | ((origin: string | undefined, req: Req) => boolean | Promise<boolean>);

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
 * The options every gate takes, whatever the runtime. Only `origins` and
 * `verify` are required; the rest default to what the authsocket client sends.
 *
 * @example
 * ```ts
 * const options: GateOptions<{ id: string }, Request> = {
 *   origins: ['https://app.example.com'],
 *   verify: (ticket) => tickets.redeem(ticket),
 *   protocols: ['chat.v1'],
 * };
 * ```
 */
export interface GateOptions<User, Req = unknown> {
  /** Which carriers to accept. Default `['subprotocol', 'query', 'cookie', 'message', 'header']`. */
  carriers?: readonly Carrier[];
  /** Required: allowed page origins (see {@link OriginPolicy}). */
  origins: OriginPolicy<Req>;
  /** Required: your credential check (see {@link Verify}). */
  verify: Verify<User, Req>;
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
   * Applies for the socket's whole life. Default 1 MiB.
   */
  maxPayload?: number;
  /** Realm of the `basic` carrier's `WWW-Authenticate` challenge. Default `'authsocket'`. */
  realm?: string;
  /** Resource limits on sockets still authenticating (see {@link AuthGateLimits}). */
  limits?: AuthGateLimits;
  /**
   * The client's address, for `limits.pendingPerAddress`. Default: the
   * connection's remote address. Behind a reverse proxy every client has the
   * proxy's address: derive it from the header your proxy sets (and that
   * clients cannot forge past it), e.g. the last `X-Forwarded-For` entry.
   */
  address?: (req: Req) => string;
  /**
   * The path(s) this gate serves, compared exactly with the request URL's path
   * (up to `?`). Other paths are answered HTTP 400 before anything else.
   * Default: every path.
   */
  path?: string | readonly string[];
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

/**
 * Why a gate turned a request or socket away. Safe to log whole: it holds no
 * credential in any form, and its `req` is non-enumerable, so
 * `JSON.stringify`, `util.inspect`, `console.log` and `{ ...refusal }` leave it
 * out. Never log the request's URL or headers yourself: they carry the
 * credential (query ticket, Cookie, Authorization, Sec-WebSocket-Protocol).
 *
 * @example
 * ```ts
 * gate.on('refused', (refusal) => log.info(refusal, 'websocket refused'));
 * // { status: 403, reason: 'origin not allowed', origin: 'https://evil.example' }
 * ```
 */
export interface Refusal<Req = unknown> {
  /** HTTP status when refused before the upgrade (400, 401, 403, 429, 503). */
  status?: number;
  /** WebSocket close code when refused after the upgrade (1008, 1009, 1011, 1013, 4401, 4403). */
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
  readonly req: Req;
}

/** What a feature adds to a `connection` event (empty without one). */
export interface ConnectionInfo {
  /** With `resume`: the session's id. */
  session?: string;
  /** With `resume`: the session moved here from another gate instance. */
  moved?: boolean;
}

/**
 * Event listeners of a gate on any runtime.
 *
 * @example
 * ```ts
 * gate.on('connection', (socket, user, req) => rooms.join(user.id, socket));
 * gate.on('error', (error) => log.error(error, 'verify failed'));
 * ```
 */
export interface GateEvents<User, Socket, Req = unknown> {
  /**
   * An authenticated socket: the only way sockets reach your app. `info` is
   * given by features that add to the admission (`resume`'s session).
   */
  connection: (socket: Socket, user: User, req: Req, info?: ConnectionInfo) => void;
  /**
   * A message-carrier socket re-authenticated in place (the client's
   * `auth.refresh: 'in-place'`): `verify` accepted the new token, the gate
   * answered `auth_ok`. A refused one is answered `auth_error` and closed
   * (4401/4403), with a `refused` event. These auth frames never reach your
   * `message` listeners.
   */
  reauthenticated: (socket: Socket, user: User, req: Req) => void;
  /** A request or socket was turned away (for metrics and logs). */
  refused: (refusal: Refusal<Req>) => void;
  /**
   * `verify` threw something other than `Forbidden`, or a `connection`
   * listener threw: the socket was closed with 1011. Also a verify timeout
   * (1013), a user without a key or an `expiresAt` in seconds (1011), and
   * the revocation bus's errors (a Redis connection lost), which come
   * without a request (`req` is `undefined`).
   */
  error: (error: unknown, req: Req | undefined) => void;
}

// ── `resume`: sessions that outlive their connections ────────────────────────
// A part of its own of the same interface, so that the resume option stays one block.
export interface GateOptions<User, Req = unknown> {
  /**
   * Sessions for clients with `resume: true`: each admitted client that asks
   * gets a session bound to its user key, which continues across its
   * connections (every app frame both ways delivered once and in order);
   * `connection` fires once per session, with a session socket and `info`.
   * Clients without `resume` are served as without this option. Default
   * `false`. See docs/resume.md.
   *
   * @example
   * ```ts
   * createAuthGate({ origins, verify, resume: { window: 120_000, maxBuffered: 1000 } });
   * ```
   */
  resume?: boolean | ResumeOptions;
}
