/**
 * `authsocket/server/bun`: the gate on Bun.serve. Bun upgrades a Fetch
 * `Request` with `server.upgrade()` and then calls one `websocket` handler
 * object for every socket; the gate decides before the upgrade and its
 * handlers run before the app's.
 *
 * @module authsocket/server/bun
 */
import { createGateCore, type GateOptions, type SocketHandler, type UpgradeAccepted } from '../core/index.ts';
import { gateRequestOf, goneResponse, notUpgradable, protocolHeaders, refusalResponse } from './fetchRequest.ts';
import { runtimeGate, type RuntimeGate } from './runtimeGate.ts';
import { resolveSettings } from '../core/settings.ts';

export * from './runtimeExports.ts';
// Revocations between instances over Redis pub/sub, with the runtime's own Redis client.
export { createRedisRevocations, RevocationNotShared, type RedisPubSub, type RedisRevocations, type RedisRevocationsOptions } from '../redisRevocations.ts';
// Sessions shared by instances (`resume.store`) over Redis, with Bun's RedisClient (docs/resume.md).
export { createRedisSessions, type RedisSessions, type RedisSessionsClient, type RedisSessionsOptions } from '../resume/redisSessions.ts';

/** What the gate keeps in each socket's `ws.data`: the user, once admitted. */
export interface BunSocketData<User> {
  user?: User;
}

/** The part of Bun's `ServerWebSocket` the gate uses. */
export interface BunSocket<User> {
  readonly data: BunSocketData<User>;
  readonly readyState: number;
  send(data: string | ArrayBufferView | ArrayBuffer): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** The part of Bun's `Server` the gate uses. */
export interface BunServer {
  upgrade(req: Request, options: { data: unknown; headers?: Record<string, string> }): boolean;
  requestIP(req: Request): { address: string } | null;
}

/** A frame as Bun delivers it: text as a string, binary as a Buffer. */
export type BunMessage = string | Uint8Array;

/**
 * Your handlers for admitted sockets (only those: auth frames and refused sockets never reach
 * them). With `resume`, a client that asks for a session is served by the session socket
 * `connection` gives you: its frames and its close go there, not here.
 */
export interface BunAppHandlers<User> {
  message?(ws: BunSocket<User>, message: BunMessage): void;
  close?(ws: BunSocket<User>, code: number, reason: string): void;
  drain?(ws: BunSocket<User>): void;
}

/** The `websocket` object Bun.serve takes. */
export interface BunWebSocketHandler<User> {
  open(ws: BunSocket<User>): void;
  message(ws: BunSocket<User>, message: BunMessage): void;
  close(ws: BunSocket<User>, code: number, reason: string): void;
  drain(ws: BunSocket<User>): void;
  maxPayloadLength?: number;
}

/** A gate for Bun.serve: `handle` for upgrade requests in `fetch`, `websocket(handlers)` for `websocket`. */
export interface BunGate<User> extends RuntimeGate<User, BunSocket<User>, Request> {
  /**
   * Answers a WebSocket upgrade request: a refusal (400, 403, 429, 503…), or
   * `undefined` once Bun has upgraded it (return that from `fetch`).
   */
  handle(req: Request, server: BunServer): Promise<Response | undefined>;
  /**
   * Bun.serve's `websocket` option: the gate's handlers, then yours for
   * admitted sockets. With several gates on one server, pass any one gate's:
   * every socket still reaches the gate that upgraded it.
   */
  websocket(handlers?: BunAppHandlers<User>): BunWebSocketHandler<User>;
}

// Per socket, keyed by its `data` object (Bun passes the same one to every
// handler). Shared by every gate: Bun.serve takes one `websocket` object, so
// whichever gate's `websocket()` it got finds each socket's own gate here.
interface SocketState {
  decision: UpgradeAccepted<BunSocket<unknown>>;
  handler?: SocketHandler;
  /** The core is taking the socket over (`open` has not returned yet). */
  opening?: boolean;
  /** A close that came while `opening`: handed on once `open` returned. */
  closedEarly?: [code: number, reason: string];
}
const socketStates = new WeakMap<BunSocketData<unknown>, SocketState>();

/**
 * Creates a gate for `Bun.serve`, with the same options, checks, close codes
 * and events as `createAuthGate` from `authsocket/server`. In `connection`
 * and in your handlers the socket is Bun's `ServerWebSocket`, its
 * `ws.data.user` the admitted user.
 *
 * Shutdown: `await gate.close()` (sockets get 1001), then `server.stop()`.
 *
 * @example
 * ```ts
 * import { createAuthGate } from 'authsocket/server/bun';
 *
 * const gate = createAuthGate<User>({
 *   origins: ['https://app.example.com'],
 *   verify: async (token) => (await sessions.lookup(token)) ?? null,
 * });
 * gate.on('connection', (ws, user) => ws.send(JSON.stringify({ type: 'welcome', user })));
 * Bun.serve({
 *   fetch: async (req, server) =>
 *     req.headers.get('upgrade')?.toLowerCase() === 'websocket' ? gate.handle(req, server) : app(req),
 *   websocket: gate.websocket({ message: (ws, message) => ws.send(`${ws.data.user!.name}: ${message}`) }),
 * });
 * ```
 */
export function createAuthGate<User>(options: GateOptions<User, Request>): BunGate<User> {
  const core = createGateCore<User, BunSocket<User>, Request>(options);
  const { maxPayload } = resolveSettings(options);
  // With `resume` the app gets the session socket (with `info`), not Bun's: it has no `data`,
  // and its own `message` and `close` replace your handlers for that client.
  core.on('connection', (ws, user, _req, info) => { if (info === undefined) ws.data.user = user; });
  return {
    ...runtimeGate(core),
    async handle(req, server) {
      // Bun aborts the request's signal when the client leaves, before the upgrade too.
      const decision = await core.upgrade(gateRequestOf(req, { remoteAddress: server.requestIP(req)?.address, gone: () => req.signal.aborted }));
      if (decision.kind === 'refuse') return refusalResponse(decision);
      if (decision.kind === 'gone') return goneResponse();
      const data: BunSocketData<User> = {};
      socketStates.set(data, { decision: decision as UpgradeAccepted<BunSocket<unknown>> });
      if (server.upgrade(req, { data, headers: protocolHeaders(decision.protocol) })) return undefined;
      socketStates.delete(data);
      decision.abandon();
      return notUpgradable();
    },
    websocket(handlers = {}) {
      const closed = (ws: BunSocket<User>, state: SocketState | undefined, code: number, reason: string) => {
        socketStates.delete(ws.data);
        if (state?.handler === undefined) return state?.decision.abandon();
        if (code === 1009) state.handler.oversized();
        state.handler.closed(code, reason);
        if (ws.data.user !== undefined) handlers.close?.(ws, code, reason);
      };
      return {
        open(ws) {
          const state = socketStates.get(ws.data)!;
          state.opening = true;
          state.handler = state.decision.open(ws, {
            deliver: (data) => handlers.message?.(ws, data as BunMessage),
            terminate: () => ws.terminate(),
          });
          state.opening = false;
          if (state.closedEarly) closed(ws, state, ...state.closedEarly);
        },
        message(ws, message) {
          if (socketStates.get(ws.data)?.handler?.message(message, typeof message !== 'string')) handlers.message?.(ws, message);
        },
        close(ws, code, reason) {
          const state = socketStates.get(ws.data);
          // Bun runs `close` at once when the socket is closed during `open` (a refused
          // credential, a `connection` listener that threw): the core hears of it once it holds the socket.
          if (state?.opening) state.closedEarly = [code, reason];
          else closed(ws, state, code, reason);
        },
        drain(ws) {
          if (ws.data.user !== undefined) handlers.drain?.(ws);
        },
        // Bun refuses a bigger frame as its length is read, closing 1009 (its default is 16 MiB).
        // One value per server: with several gates, that of the gate whose websocket() it got.
        maxPayloadLength: maxPayload,
      };
    },
  };
}
