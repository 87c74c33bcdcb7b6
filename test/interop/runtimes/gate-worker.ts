// The test app (app.ts) on workerd with authsocket/server/workers (the build),
// twice: in the Worker itself (/live, /ack, /verified) and, the usual pattern,
// in a Durable Object the Worker forwards /room/* to (/room/live …).
// Binding ORIGINS (text, comma-separated); DO namespace binding Room.
import * as entry from '../../../dist/server/workers.js';
import { echo, route, testGates, welcome } from './app.ts';

interface Env {
  ORIGINS: string;
  Room: { idFromName(name: string): unknown; get(id: unknown): { fetch(req: Request): Promise<Response> } };
}

function appGates(env: Env) {
  const gates = testGates(entry, env.ORIGINS.split(','));
  for (const gate of [gates.live, gates.ack, gates.late]) {
    gate.on('connection', (socket, user) => {
      socket.send(welcome(user));
      socket.addEventListener('message', (event) => socket.send(echo(event.data)));
    });
  }
  return gates;
}

export class Room {
  private readonly gates: ReturnType<typeof appGates>;
  constructor(_state: unknown, env: Env) {
    this.gates = appGates(env);
  }
  fetch(req: Request) {
    return route(this.gates, req, (gate) => gate.handle(req), '/room');
  }
}

// A Worker's bindings arrive with the first request: its gates are made then, once per isolate.
let gates: ReturnType<typeof appGates> | undefined;

export default {
  fetch(req: Request, env: Env) {
    if (new URL(req.url).pathname.startsWith('/room/')) return env.Room.get(env.Room.idFromName('lobby')).fetch(req);
    gates ??= appGates(env);
    return route(gates, req, (gate) => gate.handle(req));
  },
};
