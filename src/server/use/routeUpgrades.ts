// One owner for a server's `upgrade` event, so that gates and a framework's own
// WebSocket plugin can share an HTTP server. The plugins (express-ws,
// @fastify/websocket, @hono/node-ws, NestJS's WsAdapter) each listen to every
// upgrade and answer the paths they do not know themselves (accept and close
// 1005, 404, or destroy the socket), racing any other listener: a request must
// reach exactly one of them. So the router takes the server's `upgrade`
// listeners over, and sends each request either to the gate serving its path
// or to those listeners, never both.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { invalidOption } from '../core/errors.ts';
import { pathOf as pathOfUrl } from '../core/handshake.ts';
import type { UpgradeListener } from '../types.ts';

/** What the router needs of a gate: `createAuthGate`'s result has it. */
export interface UpgradeHandler {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** A server whose `upgrade` event the router takes over (`http.Server`, `https.Server`). */
export interface UpgradeServer {
  on(event: 'upgrade', listener: UpgradeListener): unknown;
  off(event: 'upgrade', listener: UpgradeListener): unknown;
  listeners(event: 'upgrade'): Function[];
  on(event: 'newListener', listener: (event: string | symbol, listener: Function) => void): unknown;
  off(event: 'newListener', listener: (event: string | symbol, listener: Function) => void): unknown;
}

/**
 * Sends the upgrades of `server` on the given paths to their gates, and every
 * other upgrade to the server's other `upgrade` listeners (a framework's
 * WebSocket plugin, your own router), in the order they were added, whether
 * they were added before this call or after it. A gate never sees a request
 * another listener got, nor the other way round. An upgrade that no listener
 * takes is answered HTTP 404.
 *
 * Paths are matched as the gate option `path` matches them: the request URL up
 * to `?`, compared exactly.
 *
 * @returns a function that gives the server its listeners back.
 * @example
 * ```ts
 * const app = express();
 * const server = app.listen(3000);
 * expressWs(app, server);                       // the framework's own sockets
 * const gate = createAuthGate({ origins, verify, path: '/live' });
 * routeUpgrades(server, { '/live': gate });     // '/live' → gate, the rest → express-ws
 * ```
 */
export function routeUpgrades(server: UpgradeServer, routes: Readonly<Record<string, UpgradeHandler>>): () => void {
  const gates = new Map(Object.entries(routes));
  for (const [path, gate] of gates) {
    if (!/^\/[^?#\s]*$/.test(path)) throw invalidOption(`"${path}" is not a path like "/live" (no query, no fragment)`, 'routeUpgrades');
    if (typeof gate?.handleUpgrade !== 'function') throw invalidOption(`the route "${path}" has no handleUpgrade (pass the gate)`, 'routeUpgrades');
  }
  const others: UpgradeListener[] = [];

  const route: UpgradeListener = (req, socket, head) => {
    const gate = gates.get(pathOf(req));
    if (gate) return gate.handleUpgrade(req, socket, head);
    if (others.length === 0) return notFound(socket);
    for (const listener of [...others]) listener.call(server, req, socket, head);
  };

  // Plugins often add their listener late (on `ready`, `listen`, `init`): adopt
  // those too. Node adds a listener right after `newListener` returns, so it is
  // moved on the next tick, before any I/O can emit an upgrade.
  const adopt = (event: string | symbol, listener: Function) => {
    if (event !== 'upgrade' || listener === route) return;
    process.nextTick(() => {
      if (!server.listeners('upgrade').includes(listener)) return; // removed meanwhile
      server.off('upgrade', listener as UpgradeListener);
      others.push(listener as UpgradeListener);
    });
  };

  for (const listener of server.listeners('upgrade') as UpgradeListener[]) {
    server.off('upgrade', listener);
    others.push(listener);
  }
  server.on('upgrade', route);
  server.on('newListener', adopt);

  return () => {
    server.off('newListener', adopt);
    server.off('upgrade', route);
    for (const listener of others.splice(0)) server.on('upgrade', listener);
  };
}

function pathOf(req: IncomingMessage): string {
  return pathOfUrl(req.url ?? '/');
}

function notFound(socket: Duplex): void {
  socket.on('error', () => socket.destroy()); // Node leaves an upgraded socket without an error listener
  if (socket.writable) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  else socket.destroy();
}
