// Bun.serve with the gate: `bun run examples/runtimes/bun/server.ts`.
// The page at http://localhost:8080 connects to ws://localhost:3000/live.
import { createAuthGate, Forbidden } from 'authsocket/server/bun';

// Bun's `process` (bun-types declares it; stood in here so the example type-checks alone).
declare const process: { env: Record<string, string | undefined>; once(signal: 'SIGTERM', handler: () => void): void };

const gate = createAuthGate<string>({
  origins: ['http://localhost:8080'],
  path: '/live',
  verify: async (token) => {
    if (token === 'banned') throw new Forbidden('banned');   // → 4403: the client stops
    return token === 'demo-token' ? 'alice' : null;          // null → 4401: a fresh credential
  },
});
gate.on('connection', (ws, user) => ws.send(JSON.stringify({ type: 'welcome', user })));

const server = Bun.serve({
  hostname: '127.0.0.1',   // loopback only, for trying it out
  port: Number(process.env.PORT ?? 3000),
  fetch: (req, server) =>
    req.headers.get('upgrade')?.toLowerCase() === 'websocket' ? gate.handle(req, server) : new Response('not found', { status: 404 }),
  // Your handlers see admitted sockets only, never an auth frame; ws.data.user is the user.
  websocket: gate.websocket({
    message: (ws, message) => ws.send(JSON.stringify({ type: 'echo', from: ws.data.user, data: String(message) })),
  }),
});

// Shutdown: the gate first (its sockets get 1001 and reconnect elsewhere), then the server.
process.once('SIGTERM', async () => {
  await gate.close();
  await server.stop();
});
