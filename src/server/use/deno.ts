/**
 * `authsocket/server/deno`: the gate on Deno.serve. Deno hands each request
 * over as a Fetch `Request` and upgrades it with `Deno.upgradeWebSocket`; the
 * gate decides before that upgrade, then watches the socket it returns.
 *
 * @module authsocket/server/deno
 */
import { createGateCore, type GateOptions } from '../core/index.ts';
import { gateRequestOf, goneResponse, notUpgradable, protocolHeaders, refusalResponse } from './fetchRequest.ts';
import { runtimeGate, type RuntimeGate } from './runtimeGate.ts';
import { resolveSettings } from '../core/settings.ts';
import { acceptStandardSocket } from './standardSocket.ts';

export * from './runtimeExports.ts';
// Revocations between instances over Redis pub/sub, with the runtime's own Redis client.
export { createRedisRevocations, RevocationNotShared, type RedisPubSub, type RedisRevocations, type RedisRevocationsOptions } from '../redisRevocations.ts';

/** The part of Deno.serve's handler info the gate reads (`Deno.ServeHandlerInfo`). */
export interface DenoServeInfo {
  remoteAddr: { hostname: string };
}

/** The part of the `Deno` namespace the gate uses. */
interface DenoUpgrade {
  upgradeWebSocket(req: Request): { socket: WebSocket; response: Response };
}

/** A gate for Deno.serve: `handle` answers upgrade requests; sockets are Deno's standard `WebSocket`s. */
export interface DenoGate<User> extends RuntimeGate<User, WebSocket, Request> {
  /**
   * Answers a WebSocket upgrade request: a refusal (400, 403, 429, 503…),
   * or the 101 of a socket the gate then admits (`connection`) or closes
   * (4401, 4403). Give it only upgrade requests; route the rest yourself.
   */
  handle(req: Request, info?: DenoServeInfo): Promise<Response>;
}

/**
 * Creates a gate for `Deno.serve`, with the same options, checks, close codes
 * and events as `createAuthGate` from `authsocket/server`. In `connection`
 * the socket is Deno's `WebSocket`: listeners you add there see only the
 * app's frames (never an auth frame), binary ones as ArrayBuffers.
 *
 * Shutdown: `await gate.close()` (sockets get 1001), then `await server.shutdown()`.
 *
 * @example
 * ```ts
 * import { createAuthGate, Forbidden } from 'authsocket/server/deno';
 *
 * const gate = createAuthGate<User>({
 *   origins: ['https://app.example.com'],
 *   verify: async (token) => (await sessions.lookup(token)) ?? null,
 * });
 * gate.on('connection', (socket, user) => {
 *   socket.addEventListener('message', (event) => socket.send(`${user.name}: ${event.data}`));
 * });
 * Deno.serve((req, info) =>
 *   req.headers.get('upgrade')?.toLowerCase() === 'websocket' ? gate.handle(req, info) : app(req));
 * ```
 */
export function createAuthGate<User>(options: GateOptions<User, Request>): DenoGate<User> {
  const core = createGateCore<User, WebSocket, Request>(options);
  const { maxPayload } = resolveSettings(options);
  const deno = (globalThis as unknown as { Deno: DenoUpgrade }).Deno;
  return {
    ...runtimeGate(core),
    async handle(req, info) {
      // No `gone`: Deno does not abort the signal of an upgrade request whose client left
      // (and reading `req.signal` prints a warning about its legacy abort-on-response).
      const decision = await core.upgrade(gateRequestOf(req, { remoteAddress: info?.remoteAddr.hostname }));
      if (decision.kind === 'refuse') return refusalResponse(decision);
      if (decision.kind === 'gone') return goneResponse();
      let upgraded: { socket: WebSocket; response: Response };
      try {
        // The protocol goes in the 101's headers, not through `upgradeWebSocket`'s `protocol`
        // option: Deno looks it up in the offer split on ", " only, so it refuses a client
        // that lists its protocols with "," alone (Node's `ws` does).
        upgraded = deno.upgradeWebSocket(req);
      } catch {
        decision.abandon();
        return notUpgradable();
      }
      for (const [name, value] of Object.entries(protocolHeaders(decision.protocol))) upgraded.response.headers.set(name, value);
      acceptStandardSocket(decision, upgraded.socket, maxPayload);
      return upgraded.response;
    },
  };
}
