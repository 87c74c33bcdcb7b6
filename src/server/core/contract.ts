// The contract between the runtime-neutral gate core and its adapters (Node's
// `ws`, Bun.serve, Deno.serve, Cloudflare Workers and Durable Objects). The
// core decides; an adapter only translates its runtime's request, upgrade and
// socket events into these calls. Nothing here is a Node type.
import type { RevokeOptions } from '../revocations.ts';
import type { ConnectionInfo, GateEvents } from './options.ts';
import type { FrameData, GateRequest, GateSocket, SocketControls } from './runtime.ts';

/**
 * The gate core: everything the gate decides, on any runtime. Made by
 * `createGateCore(options)`; an adapter holds one and feeds it.
 *
 * The order is fixed by the core, whatever the runtime:
 * 1. {@link GateCore.upgrade} refuses at the HTTP level what a browser must
 *    never get through (path, limits, malformed handshake, foreign `Origin`
 *    → 403, an unselectable subprotocol), finds the credential and runs
 *    `verify` **before** the upgrade completes, so a single-use ticket is only
 *    spent on a handshake that will succeed;
 * 2. the adapter completes the upgrade with the decided subprotocol and calls
 *    {@link UpgradeAccepted.open} with the open socket;
 * 3. the core then admits the socket (`connection`), or closes it with
 *    4401/4403/1011/1013 — a browser cannot read an HTTP 401, but it can read
 *    a close code. With the `message` carrier it first awaits the auth frame.
 *
 * @example
 * ```ts
 * // A Fetch-API runtime (Deno.serve), in outline:
 * const core = createGateCore<User, WebSocket, Request>({ origins, verify });
 * Deno.serve(async (req, info) => {
 *   const decision = await core.upgrade(requestOf(req, info));
 *   if (decision.kind === 'refuse') return new Response(null, { status: decision.status, headers: decision.headers });
 *   if (decision.kind === 'gone') return new Response(null, { status: 499 });
 *   const { socket, response } = Deno.upgradeWebSocket(req, decision.protocol ? { protocol: decision.protocol } : {});
 *   socket.onopen = () => {
 *     const frames = decision.open(socket, { deliver: (data) => app.onMessage(socket, data) });
 *     socket.onmessage = (e) => { if (frames.message(e.data, typeof e.data !== 'string')) app.onMessage(socket, e.data); };
 *     socket.onclose = (e) => frames.closed(e.code, e.reason);
 *   };
 *   return response;
 * });
 * ```
 */
export interface GateCore<User, Socket extends GateSocket = GateSocket, Req = unknown> {
  /**
   * Decides an upgrade request: refuse it at the HTTP level, accept it (after
   * `verify` has run, when the credential came with the request), or drop it
   * because the client is gone. Never rejects: a failure of the app's
   * callbacks is reported on `error` and answered as a refusal.
   *
   * Every `accept` decision holds a place in the gate's pending limits until
   * the adapter calls its `open` (and the socket is admitted or refused) or
   * its `abandon`: an adapter must call exactly one of them.
   */
  upgrade(request: GateRequest<Req>): Promise<UpgradeDecision<Socket>>;
  /** Adds an event listener; returns the function that removes it. */
  on<E extends keyof GateEvents<User, Socket, Req>>(event: E, listener: GateEvents<User, Socket, Req>[E]): () => void;
  off<E extends keyof GateEvents<User, Socket, Req>>(event: E, listener: GateEvents<User, Socket, Req>[E]): void;
  /**
   * Closes every admitted socket of the user with this key (default 4403
   * `'revoked'`), on this instance and, with `revocations`, on every instance
   * sharing it. Resolves with how many it closed here.
   */
  revoke(key: string, options?: RevokeOptions): Promise<number>;
  /** The sockets admitted (delivered by `connection`) and not yet closed. */
  readonly sockets: ReadonlySet<Socket>;
  /**
   * Shuts the gate down: later upgrades are refused (503), sockets still
   * authenticating are refused, every admitted socket is closed with 1001
   * (cut after a short grace), and other instances' revocations are no longer
   * heard. Resolves when every socket has closed. The adapter closes its own
   * server after this.
   */
  close(): Promise<void>;
}

/** What to do with an upgrade request. */
export type UpgradeDecision<Socket extends GateSocket = GateSocket> = UpgradeRefused | UpgradeAccepted<Socket> | UpgradeGone;

/**
 * Answer the request with this HTTP status instead of upgrading it: 400
 * (malformed handshake, path not served, no acceptable subprotocol), 401 (the
 * deprecated `basic` carrier's challenge), 403 (foreign `Origin`), 429/503
 * (too many sockets authenticating; with `Retry-After`), 500 (an option
 * callback threw). The `refused` event has already been emitted.
 */
export interface UpgradeRefused {
  readonly kind: 'refuse';
  readonly status: number;
  /** Headers to send with the status (`Retry-After`, `WWW-Authenticate`); may be empty. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Nothing to answer: the client left, or another listener took the request,
 * while the core was deciding (its `verify` was not called, or its result is
 * dropped). The adapter releases the connection without writing to it.
 */
export interface UpgradeGone {
  readonly kind: 'gone';
}

/**
 * Complete the upgrade, selecting `protocol`, then hand the open socket to
 * `open`. Whether the socket is then admitted or closed (4401, 4403, 1011,
 * 1013; or, with the `message` carrier, after its first frame) the core
 * decides; the adapter feeds it the socket's frames and its close.
 */
export interface UpgradeAccepted<Socket extends GateSocket = GateSocket> {
  readonly kind: 'accept';
  /** The subprotocol to put in the 101 response, or `undefined` for none. Never the credential's entry. */
  readonly protocol: string | undefined;
  /**
   * The upgrade completed and `socket` is open: the core takes it over.
   * Returns the handler the adapter gives every frame and the close to. Call
   * it once, before any frame of the socket is delivered anywhere.
   */
  open(socket: Socket, controls: SocketControls): SocketHandler;
  /**
   * The upgrade did not complete (the runtime refused it, the client left
   * during the handshake): the core forgets the request and frees its place.
   */
  abandon(): void;
}

/**
 * The core's side of an open socket. The adapter calls `message` for every
 * frame the socket receives, before the app sees it, and `closed` once.
 */
export interface SocketHandler {
  /**
   * A frame arrived. Returns `true` when it is an application frame the
   * adapter must now deliver to the app's listeners; `false` when the core
   * took it (an auth frame, or a frame held while the first-message
   * credential is verified: the core delivers those itself, in order,
   * through {@link SocketControls.deliver} once the socket is admitted).
   */
  message(data: FrameData, isBinary: boolean): boolean;
  /**
   * The runtime refused a frame over its size limit (it closes with 1009 on
   * its own): before authentication this is reported as a refusal.
   */
  oversized(): void;
  /** The socket closed, whoever closed it. Call once. */
  closed(code: number, reason: string): void;
}

/**
 * A feature that stands between an admitted socket and the app (`resume`'s
 * sessions), given to `createGateCore(options, { stages })`. For every
 * admitted socket the core calls each stage's `admit` in order, after
 * `auth_ok` (when the carrier or `ack` sends one) and before `connection`.
 */
export interface AdmissionStage<User, Socket extends GateSocket = GateSocket, Req = unknown> {
  /**
   * Optional: looks at the offered subprotocols before `verify` runs (e.g. a
   * malformed resume entry): a refusal is answered at the HTTP level, and
   * `verify` is not called.
   */
  check?(offered: readonly string[], request: GateRequest<Req>): { status: number; reason: string } | undefined;
  admit(admission: Admission<User, Socket, Req>): StagedSocket | Promise<StagedSocket>;
  /** Optional: every revocation of a key, from `revoke` here or from another instance (e.g. to end suspended sessions). */
  revoked?(key: string, code: number, reason: string): void;
  /** Optional: the gate is closing. */
  close?(): void;
}

/** What a stage learns of an admitted socket. */
export interface Admission<User, Socket extends GateSocket = GateSocket, Req = unknown> {
  readonly socket: Socket;
  readonly user: User;
  /** The user's key (`key` option), as `revoke` uses it. */
  readonly key: string;
  readonly request: GateRequest<Req>;
  /** Every subprotocol entry the client offered, in order (the credential's entry included). */
  readonly offered: readonly string[];
}

/** A stage's answer for one admitted socket. */
export interface StagedSocket {
  /**
   * What the `connection` event delivers in place of the socket (a session
   * socket), and its `info`; `emit: false` when no `connection` is due (a
   * session that continues). Default: the socket itself, emitted.
   */
  readonly connection?: { socket?: unknown; info?: ConnectionInfo; emit?: boolean };
  /** Sees every frame after the core (auth frames never reach it): `true` to deliver it to the app as usual. */
  message?(data: FrameData, isBinary: boolean): boolean;
  /** The socket closed. */
  closed?(code: number, reason: string): void;
  /** `revoke` closed this user's socket (the stage ends what it keeps for the user). */
  revoked?(code: number, reason: string): void;
}

/** What `createGateCore` takes besides the gate's options. */
export interface CoreExtensions<User, Socket extends GateSocket = GateSocket, Req = unknown> {
  stages?: ReadonlyArray<AdmissionStage<User, Socket, Req>>;
}
