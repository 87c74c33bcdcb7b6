// Deno.serve with the gate: `deno run --allow-net --allow-env examples/runtimes/deno/server.ts`.
// The page at http://localhost:8080 connects to ws://localhost:3000/live.
import { createAuthGate, Forbidden } from 'authsocket/server/deno';

const gate = createAuthGate<string>({
  origins: ['http://localhost:8080'],
  path: '/live',
  verify: async (token) => {
    if (token === 'banned') throw new Forbidden('banned');   // → 4403: the client stops
    return token === 'demo-token' ? 'alice' : null;          // null → 4401: a fresh credential
  },
});
gate.on('connection', (socket, user) => {
  socket.send(JSON.stringify({ type: 'welcome', user }));
  // Listeners added here see the app's frames only, never an auth frame.
  socket.addEventListener('message', (event) => socket.send(JSON.stringify({ type: 'echo', from: user, data: String(event.data) })));
});

const server = Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 3000) }, (req, info) =>
  req.headers.get('upgrade')?.toLowerCase() === 'websocket' ? gate.handle(req, info) : new Response('not found', { status: 404 }));

// Shutdown: the gate first (its sockets get 1001 and reconnect elsewhere), then the server.
Deno.addSignalListener('SIGTERM', async () => {
  await gate.close();
  await server.shutdown();
});
