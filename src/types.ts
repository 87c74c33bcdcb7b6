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
 * attempt, so single-use tickets work.
 *
 * @example
 * ```ts
 * auth: {
 *   via: 'subprotocol',
 *   token: async () => (await fetch('/ws-ticket')).text(),
 * }
 * ```
 */
export interface AuthOptions<In = unknown, Out = In> {
  /** The carrier: `subprotocol`, `query`, `cookie`, `message`, `header` (Node only), or `basic` (deprecated). */
  via: CarrierName;
  /** The credential, or a provider called before every attempt (10 s limit). */
  token: string | (() => Credential | Promise<Credential>);
  /**
   * How to renew before expiry: `'reconnect'` opens a new authenticated connection
   * and switches to it (make-before-break); `'in-place'` (message carrier only)
   * sends a new auth frame on the live connection.
   * @defaultValue `'reconnect'`
   */
  refresh?: 'reconnect' | 'in-place';
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
  /** Recognises the server's acceptance (`message`). @defaultValue `msg.type === 'auth_ok'` */
  isAck?: (msg: In) => boolean;
  /** Recognises the server's refusal (`message`). @defaultValue `msg.type === 'auth_error'` */
  isReject?: (msg: In) => boolean;
  /** Milliseconds to wait for the ack (`message`). @defaultValue `10000` */
  timeout?: number;
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
}

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
export interface AuthSocketOptions<In = unknown, Out = In> {
  /** How to authenticate; without it the socket connects anonymously. */
  auth?: AuthOptions<In, Out>;
  /** Application subprotocols offered on every attempt. */
  protocols?: string[];
  /** Reconnection policy, or `false` to never reconnect. */
  reconnect?: false | ReconnectOptions;
  /** Dead-connection detection (off unless given). */
  heartbeat?: HeartbeatOptions<In, Out>;
  /** Messages buffered while not open. @defaultValue `{ max: 1000 }` */
  queue?: { max?: number };
  /** Message encoding. @defaultValue JSON over text frames */
  codec?: Codec<In, Out>;
  /** Runtime check of incoming messages (any Standard Schema validator). */
  validate?: StandardSchemaV1<unknown, In>;
  /** Allow a credential over `ws://` to a host that is not loopback. */
  allowInsecure?: boolean;
  /** Do not connect until `open()`. */
  startClosed?: boolean;
  /** The `WebSocket` constructor to use (Node's `ws`, or a test double). */
  WebSocket?: WebSocketConstructorLike;
  /** Log lifecycle lines (never a credential): `true` for `console.debug`, or your own sink. */
  debug?: boolean | ((line: string) => void);
  /**
   * One connection for every instance of this origin and browser profile with the
   * same `url` and the same `shared` value (`true`, or a group name): the leader
   * (elected with Web Locks) connects, the others relay through `BroadcastChannel`.
   * Ignored where either API is missing. See README "Several tabs".
   * @defaultValue `false`
   */
  shared?: boolean | string;
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
  /** Authenticated and ready; queued messages are flushed right after. */
  open: { attempt: number };
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
