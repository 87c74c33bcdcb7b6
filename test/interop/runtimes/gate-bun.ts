// The test app (app.ts) on Bun.serve with authsocket/server/bun (the build).
// Env AUTHSOCKET_ORIGINS (comma-separated); prints {"port":N} once listening.
import * as entry from '../../../dist/server/bun.js';
import { echo, route, testGates, welcome } from './app.ts';

declare const Bun: {
  env: Record<string, string | undefined>;
  serve(options: {
    hostname: string;
    port: number;
    fetch(req: Request, server: entry.BunServer): Promise<Response | undefined> | Response | undefined;
    websocket: entry.BunWebSocketHandler<string>;
  }): { port: number };
};

const gates = testGates(entry, Bun.env.AUTHSOCKET_ORIGINS!.split(','));
for (const gate of [gates.live, gates.ack, gates.late]) gate.on('connection', (ws, user) => void ws.send(welcome(user)));
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (req, srv) => route(gates, req, (gate) => gate.handle(req, srv)),
  // One `websocket` object per Bun server: either gate's serves the sockets of both.
  websocket: gates.live.websocket({ message: (ws, message) => void ws.send(echo(message)) }),
});
console.log(JSON.stringify({ port: server.port }));
