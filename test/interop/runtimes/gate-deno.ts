// The test app (app.ts) on Deno.serve with authsocket/server/deno (the build).
// Env AUTHSOCKET_ORIGINS (comma-separated); prints {"port":N} once listening.
import * as entry from '../../../dist/server/deno.js';
import { echo, route, testGates, welcome } from './app.ts';

declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(options: { hostname: string; port: number; onListen(addr: { port: number }): void }, handler: (req: Request, info: entry.DenoServeInfo) => Promise<Response | undefined> | Response): unknown;
};

const gates = testGates(entry, Deno.env.get('AUTHSOCKET_ORIGINS')!.split(','));
for (const gate of [gates.live, gates.ack, gates.late]) {
  gate.on('connection', (socket, user) => {
    socket.send(welcome(user));
    socket.addEventListener('message', (event) => socket.send(echo(event.data)));
  });
}
Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) },
  (req, info) => route(gates, req, (gate) => gate.handle(req, info)) as Promise<Response> | Response);
