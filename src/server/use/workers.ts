/**
 * `authsocket/server/workers`: the gate on Cloudflare Workers and Durable
 * Objects (workerd). The Worker (or the Durable Object it forwards the upgrade
 * to) answers with the client end of a `WebSocketPair`; the gate decides before
 * that and watches the server end. Nothing here imports `ws` or `node:*`.
 *
 * @module authsocket/server/workers
 */
import { createGateCore, type GateOptions } from '../core/index.ts';
import { gateRequestOf, goneResponse, protocolHeaders, refusalResponse } from './fetchRequest.ts';
import { runtimeGate, type RuntimeGate } from './runtimeGate.ts';
import { resolveSettings } from '../core/settings.ts';
import { acceptStandardSocket } from './standardSocket.ts';

export * from './runtimeExports.ts';

/** The server end of a Workers `WebSocketPair`: a standard `WebSocket` that must be `accept()`ed. */
type PairedSocket = WebSocket & { accept(): void };

/** A gate for a Worker's or Durable Object's `fetch`; sockets are the server ends of `WebSocketPair`s. */
export interface WorkersGate<User> extends RuntimeGate<User, WebSocket, Request> {
  /**
   * Answers a WebSocket upgrade request: a refusal (400, 403, 429, 503…), or
   * the 101 with the client end of a `WebSocketPair` whose server end the
   * gate then admits (`connection`) or closes (4401, 4403).
   */
  handle(req: Request): Promise<Response>;
}

/**
 * Creates a gate for Cloudflare Workers and Durable Objects, with the same
 * options, checks, close codes and events as `createAuthGate` from
 * `authsocket/server`. The client's address (for `limits.pendingPerAddress`)
 * is Cloudflare's `CF-Connecting-IP` header. The gate keeps each socket's
 * state (expiry timer, first-message wait) in memory: accept sockets with
 * this gate, not the Durable Object hibernation API.
 *
 * Where to create it: in a Durable Object, in its constructor: every socket
 * of that object passes the same gate, and `revoke` and `close` reach them all
 * (the usual pattern, below). A gate in a Worker itself admits and watches
 * sockets just as well, but workerd lets only the request that opened a
 * socket close it: there `revoke` and `close` from another request fail.
 * With `resume`, use a Durable Object: in a plain Worker what runs for a
 * connection (the session's `window` timer, your timers) ends with its request.
 *
 * Shutdown: Workers have none; `await gate.close()` (in a Durable Object)
 * closes every socket with 1001.
 *
 * @example
 * ```ts
 * import { createAuthGate } from 'authsocket/server/workers';
 *
 * export class Room {
 *   gate = createAuthGate<string>({ origins: ['https://app.example.com'], verify: (token) => lookup(token) });
 *   constructor() {
 *     this.gate.on('connection', (socket, user) => socket.send(JSON.stringify({ type: 'welcome', user })));
 *   }
 *   fetch(req: Request) { return this.gate.handle(req); }
 * }
 * export default {
 *   fetch: (req: Request, env: Env) => env.ROOM.get(env.ROOM.idFromName('lobby')).fetch(req),
 * };
 * ```
 */
export function createAuthGate<User>(options: GateOptions<User, Request>): WorkersGate<User> {
  const core = createGateCore<User, WebSocket, Request>(options);
  const { maxPayload } = resolveSettings(options);
  return {
    ...runtimeGate(core),
    async handle(req) {
      // workerd does not tell a handler that the client left before the upgrade (no `gone`).
      const decision = await core.upgrade(gateRequestOf(req, { remoteAddress: req.headers.get('cf-connecting-ip') ?? undefined }));
      if (decision.kind === 'refuse') return refusalResponse(decision);
      if (decision.kind === 'gone') return goneResponse();
      const { 0: client, 1: server } = new (globalThis as unknown as { WebSocketPair: new () => { 0: WebSocket; 1: PairedSocket } }).WebSocketPair();
      server.accept();
      acceptStandardSocket(decision, server, maxPayload);
      return new Response(null, { status: 101, webSocket: client, headers: protocolHeaders(decision.protocol) } as ResponseInit);
    },
  };
}
