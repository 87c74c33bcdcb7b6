// Cloudflare Workers: the Worker forwards each upgrade to a Durable Object (one
// per room), which runs the gate. `npx wrangler dev` with ./wrangler.toml.
// The page at http://localhost:8080 connects to ws://localhost:8787/rooms/<name>.
import { createAuthGate, Forbidden } from 'authsocket/server/workers';

interface Env {
  ROOMS: DurableObjectNamespace;
}

export class Room {
  // One gate per room: every socket of the room passes it, so revoke() reaches them all.
  private readonly gate = createAuthGate<string>({
    origins: ['http://localhost:8080'],
    verify: async (token) => {
      if (token === 'banned') throw new Forbidden('banned');   // → 4403: the client stops
      return token === 'demo-token' ? 'alice' : null;          // null → 4401: a fresh credential
    },
  });

  constructor() {
    this.gate.on('connection', (socket, user) => {
      socket.send(JSON.stringify({ type: 'welcome', user }));
      // Listeners added here see the app's frames only, never an auth frame.
      socket.addEventListener('message', (event) => socket.send(JSON.stringify({ type: 'echo', from: user, data: String(event.data) })));
    });
  }

  fetch(req: Request): Promise<Response> {
    return this.gate.handle(req);
  }
}

export default {
  fetch(req: Request, env: Env): Response | Promise<Response> {
    const room = /^\/rooms\/([\w-]+)$/.exec(new URL(req.url).pathname)?.[1];
    if (room === undefined || req.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('not found', { status: 404 });
    // The original request, Origin and credential included, goes to the room's object.
    return env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(req);
  },
};
