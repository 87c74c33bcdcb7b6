import type { AuthSocketError } from './errors/AuthSocketError.ts';

/** The client's lifecycle: `idle → connecting → authenticating → open → reconnecting → closed`. */
export type State = 'idle' | 'connecting' | 'authenticating' | 'open' | 'reconnecting' | 'closed';

/** What a token provider returns: the token, optionally with its expiry (ms since epoch). */
export type Credential = string | { token: string; expiresAt?: number };

/** How the credential travels. `'basic'` is deprecated: credentials in the URL, sent only after the server's 401 challenge. */
export type CarrierName = 'subprotocol' | 'query' | 'cookie' | 'message' | 'header' | 'basic';

/** Attributes of the cookie written by the `cookie` carrier. */
export interface CookieOptions {
  /** Cookie name. @defaultValue `'ws_token'` */
  name?: string;
  /** Share the cookie with sibling hosts, e.g. `'example.com'` for `ws.example.com`. */
  domain?: string;
  /** @defaultValue `'/'` */
  path?: string;
  /** @defaultValue `'Strict'` */
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** @defaultValue `true` on https pages */
  secure?: boolean;
}

/**
 * How the client authenticates. `token` is called before EVERY connection
 * attempt, so single-use tickets work. `refresh: 'in-place'` type-checks only
 * with `via: 'message'` (the other carriers refresh by reconnecting).
 *
 * @example
 * ```ts
 * auth: {
 *   via: 'subprotocol',
 *   token: async () => (await fetch('/ws-ticket')).text(),
 * }
 * ```
 */
export type AuthOptions<In = unknown, Out = In> = MessageAuthOptions<In, Out> | UpgradeAuthOptions<In, Out>;

/** `auth` with the `message` carrier: the credential in the first frame; it may re-authenticate in place. */
export interface MessageAuthOptions<In = unknown, Out = In> extends AuthOptionsBase<In, Out> {
  /** The credential travels in the first message after open. */
  via: 'message';
  /**
   * How to renew before expiry: `'reconnect'` opens a new authenticated connection
   * and switches to it (make-before-break); `'in-place'` sends a new auth frame
   * on the live connection.
   * @defaultValue `'reconnect'`
   */
  refresh?: 'reconnect' | 'in-place';
}

/** `auth` with a carrier that rides on the upgrade request: it re-authenticates by reconnecting. */
export interface UpgradeAuthOptions<In = unknown, Out = In> extends AuthOptionsBase<In, Out> {
  /** The carrier: `subprotocol`, `query`, `cookie`, `header` (Node only), or `basic` (deprecated). */
  via: Exclude<CarrierName, 'message'>;
  /**
   * How to renew before expiry: a new authenticated connection, switched to
   * once authenticated (make-before-break). `'in-place'` needs `via: 'message'`.
   * @defaultValue `'reconnect'`
   */
  refresh?: 'reconnect';
}

/** What every carrier's `auth` options share. */
export interface AuthOptionsBase<In = unknown, Out = In> {
  /** The credential, or a provider called before every attempt (10 s limit). */
  token: string | (() => Credential | Promise<Credential>);
  /** User name that goes with the token (`basic`, deprecated). @defaultValue `'token'` */
  username?: string;
  /** Query parameter name (`query`). @defaultValue `'access_token'` */
  param?: string;
  /** Prefix of the token subprotocol entry (`subprotocol`). @defaultValue `'base64url.bearer.'` */
  prefix?: string;
  /** Cookie attributes (`cookie`). */
  cookie?: CookieOptions;
  /** Builds the auth frame (`message`); a string is sent as is. @defaultValue `{ type: 'auth', token }` as JSON */
  message?: (token: string) => Out | string;
  /** Recognises the server's acceptance (`message`, or `ack`). @defaultValue `msg.type === 'auth_ok'` */
  isAck?: (msg: In) => boolean;
  /** Recognises the server's refusal (`message`, or `ack`). @defaultValue `msg.type === 'auth_error'` */
  isReject?: (msg: In) => boolean;
  /** Milliseconds to wait for the ack (`message`, or any carrier with `ack`). @defaultValue `10000` */
  timeout?: number;
  /**
   * Wait for the server's ack (a frame for which `isAck` holds, default
   * `{"type":"auth_ok"}`, sent by the gate's `ack: true`) before `open`, with
   * any carrier: `open` then means the server accepted the credential. The
   * ack is not delivered as a message; none within `timeout` is `AUTH_TIMEOUT`.
   * The `message` carrier always waits for its ack.
   * @defaultValue `false`
   */
  ack?: boolean;
  /** Consecutive auth failures before giving up with `unauthorized`. @defaultValue `3` */
  maxFailures?: number;
}

/**
 * Reconnection with full-jitter backoff: the delay before retry `n` is uniform in
 * `[0, min(maxDelay, minDelay * factor^n)]`.
 *
 * @example
 * ```ts
 * reconnect: { minDelay: 1000, maxDelay: 60_000, maxRetries: 20 }
 * ```
 */
export interface ReconnectOptions {
  /** @defaultValue `500` */
  minDelay?: number;
  /** @defaultValue `30000` */
  maxDelay?: number;
  /** @defaultValue `2` */
  factor?: number;
  /** Consecutive failed attempts before giving up. @defaultValue `Infinity` */
  maxRetries?: number;
  /** Milliseconds an attempt may take to open. @defaultValue `10000` */
  connectionTimeout?: number;
  /** Consecutive never-opened attempts before one `CONNECTION_FAILED` hint. @defaultValue `3` */
  hintAfter?: number;
  /**
   * Milliseconds a connection must stay open before the backoff (and the
   * `maxRetries` count) start over. A server that accepts, confirms and closes
   * at once is retried with growing delays, never in a tight loop. (A confirmed
   * connection still resets the auth-failure count at once.)
   * @defaultValue `5000`
   */
  minUptime?: number;
}

/**
 * How the client treats a close code the server sent (`options.closeCodes`):
 * `'retry'` backoff and retry; `'unauthorized'` as 4401 (fresh credential,
 * counts toward `maxFailures`); `'forbidden'` as 4403 (stop with
 * `unauthorized`); `'fatal'` stop with an `error` `CONNECTION_FAILED` naming
 * the code (state `closed`, the queue kept for `open()`).
 */
export type CloseCodeAction = 'retry' | 'unauthorized' | 'forbidden' | 'fatal';

/**
 * Dead-connection detection: a ping every `interval`; no frame within `timeout`
 * after it gives the socket up and reconnects at once.
 *
 * @example
 * ```ts
 * heartbeat: { interval: 15_000, timeout: 5_000 }
 * ```
 */
export interface HeartbeatOptions<In = unknown, Out = In> {
  interval: number;
  timeout: number;
  /** The ping frame; a string is sent as is. @defaultValue `{"type":"ping"}` */
  ping?: () => Out | string;
  /** Recognises a pong, which is not delivered as a `message`. @defaultValue `msg.type === 'pong'` */
  isPong?: (msg: In) => boolean;
}

/** What can be sent on a WebSocket. */
export type Frame = string | ArrayBufferLike | Blob | ArrayBufferView;

/**
 * Turns messages into frames and back. The default is JSON over text frames.
 *
 * @example
 * ```ts
 * codec: { encode: (msg) => msgpack.encode(msg), decode: (data) => msgpack.decode(new Uint8Array(data as ArrayBuffer)) }
 * ```
 */
export interface Codec<In = unknown, Out = In> {
  encode(msg: Out): Frame;
  decode(data: string | ArrayBuffer): In;
}

/** The Standard Schema v1 interface (standardschema.dev): zod, valibot, arktype… all implement it. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** The result of a Standard Schema validation. */
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<unknown> }> };

/** The part of the `WebSocket` interface authsocket uses. */
export interface WebSocketLike {
  readonly readyState: number;
  /** The subprotocol the server selected (`''` for none). */
  readonly protocol?: string;
  binaryType: string;
  send(data: Frame): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
}

/** A `WebSocket` constructor: the browser's, or Node's `ws` (which also accepts `{ headers }`). */
export interface WebSocketConstructorLike {
  new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }): WebSocketLike;
  readonly CLOSING: number;
}

/**
 * The optional features' options as the main entry takes them: plain values.
 * (`authsocket/lite` takes each as the value of the function of the same name.)
 */
export interface PlainFeatureOptions<In = unknown, Out = In> {
  heartbeat: HeartbeatOptions<In, Out>;
  validate: StandardSchemaV1<unknown, In>;
  setup: (connection: SetupConnection<Out>) => void | Promise<void>;
  closeCodes: Record<number, CloseCodeAction>;
  resume: boolean | ResumeOptions;
}

/** `resume` with options; `resume: true` is `{}`. */
export interface ResumeOptions {
  /**
   * Keep the session (its id, the count received and the text messages not yet
   * acknowledged) in `sessionStorage` when the page goes away, so that a reload of
   * the page continues it: nothing sent just before the reload is lost or repeated.
   * @defaultValue `false`
   */
  persist?: boolean;
}

/**
 * The options every entry takes; `Auth` and `Features` say how `auth` and the
 * optional features are given (plain in the main entry, values in `authsocket/lite`).
 */
export interface ClientOptions<In, Out, Auth, Features extends { [K in keyof PlainFeatureOptions]: unknown }> {
  /** How to authenticate; without it the socket connects anonymously. */
  auth?: Auth;
  /** Application subprotocols offered on every attempt. */
  protocols?: string[];
  /** Reconnection policy, or `false` to never reconnect. */
  reconnect?: false | ReconnectOptions;
  /**
   * Your meaning for close codes the server sends, overriding the built-in
   * policy for the codes listed (others keep it). Never applies to closes the
   * client makes itself.
   * @example
   * ```ts
   * closeCodes: { 4400: 'fatal', 4500: 'retry', 4406: 'fatal', 4408: 'unauthorized' } // graphql-ws
   * ```
   */
  closeCodes?: Features['closeCodes'];
  /**
   * Runs on every authenticated connection (the first, each reconnect, and a
   * make-before-break connection before the switch to it), right after
   * authentication and before the queue is flushed and `open` fires: subscribe
   * again, join rooms. A rejected or thrown setup (or one that takes longer
   * than `reconnect.connectionTimeout`) fails that connection like a failed attempt.
   * @example
   * ```ts
   * setup: (connection) => {
   *   for (const [id, query] of subscriptions) connection.send({ id, type: 'subscribe', payload: { query } });
   * }
   * ```
   */
  setup?: Features['setup'];
  /** Dead-connection detection (off unless given). */
  heartbeat?: Features['heartbeat'];
  /** Messages buffered while not open. @defaultValue `{ max: 1000 }` */
  queue?: { max?: number };
  /** Message encoding. @defaultValue JSON over text frames */
  codec?: Codec<In, Out>;
  /** Runtime check of incoming messages (any Standard Schema validator). */
  validate?: Features['validate'];
  /** Allow a credential over `ws://` to a host that is not loopback. */
  allowInsecure?: boolean;
  /** Do not connect until `open()`. */
  startClosed?: boolean;
  /** The `WebSocket` constructor to use (Node's `ws`, or a test double). */
  WebSocket?: WebSocketConstructorLike;
  /** Log lifecycle lines (never a credential): `true` for `console.debug`, or your own sink. */
  debug?: boolean | ((line: string) => void);
  /**
   * Nothing lost, nothing twice, with a server that has `resume` on: the
   * connection's session outlives its sockets. Every app message in both
   * directions arrives once and in order across drops, heartbeat timeouts,
   * expiry and `reconnect()`; `open` says whether the session was `'resumed'`,
   * is `'new'`, or was `'lost'` (then re-sync: what the server sent meanwhile
   * is gone, what the client sent goes again). See docs/resume.md.
   * @example
   * ```ts
   * const socket = new AuthSocket(url, { auth, resume: true });
   * socket.on('open', ({ session }) => session === 'lost' && refetchState());
   * ```
   * @defaultValue `false`
   */
  resume?: Features['resume'];
}

/**
 * Everything `new AuthSocket(url, options)` accepts.
 *
 * @example
 * ```ts
 * const socket = new AuthSocket<ServerMsg, ClientMsg>('wss://api.example.com/ws', {
 *   auth: { via: 'message', token: () => getAccessToken() },
 *   heartbeat: { interval: 20_000, timeout: 5_000 },
 * });
 * ```
 */
export interface AuthSocketOptions<In = unknown, Out = In> extends ClientOptions<In, Out, AuthOptions<In, Out>, PlainFeatureOptions<In, Out>> {
  /**
   * One connection for every instance of this origin and browser profile with the
   * same `url` and the same `shared` value (`true`, or a group name): the leader
   * (elected with Web Locks) connects, the others relay through `BroadcastChannel`.
   * Ignored where either API is missing. See docs/tabs.md.
   * @defaultValue `false`
   */
  shared?: boolean | string;
}

/**
 * What `options.setup` gets: the connection that was just authenticated. What
 * it sends goes out on that connection before anything queued.
 */
export interface SetupConnection<Out = unknown> {
  /** Sends on this connection now (a string as is, anything else through the codec); throws once it has ended. */
  send(msg: Out | string): void;
}

/** Payload of the `close` event. */
export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
  /** Whether the client will try again on its own. */
  willReconnect: boolean;
  /** Queued messages discarded (only on the `close` that `socket.close()` causes). */
  dropped?: number;
}

/**
 * Every event and its payload.
 *
 * @example
 * ```ts
 * socket.on('reconnecting', ({ attempt, delay }) => console.log(`retry ${attempt} in ${delay} ms`));
 * ```
 */
export interface AuthSocketEvents<In = unknown> {
  /** An attempt starts (after the credential is fetched). */
  connecting: { attempt: number };
  /** Authenticated and ready; queued messages are flushed right after. `session`: with `resume`, what became of the session. */
  open: { attempt: number; session?: 'new' | 'resumed' | 'lost' };
  /** A decoded (and validated) incoming message. */
  message: In;
  /** A connection ended. */
  close: CloseInfo;
  /** A retry is scheduled. */
  reconnecting: { attempt: number; delay: number };
  /** The client gave up on auth; the state is `closed`. */
  unauthorized: { code: number; reason: string };
  /** Anything that went wrong; the socket keeps going when it can. */
  error: AuthSocketError;
  /** Every state change. */
  state: { from: State; to: State };
  /** A proactive or forced re-authentication succeeded. */
  reauthenticated: { via: 'in-place' | 'reconnect' };
}
