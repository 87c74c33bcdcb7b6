// Hono on @hono/node-server + @hono/node-ws: the app's own /chat socket and the gate's /live.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { routeUpgrades } from 'authsocket/server';
import { Hono } from 'hono';
import { gate } from './gate.ts';

const app = new Hono();
const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app });
app.get('/chat', upgradeWebSocket(() => ({ onMessage: (event, ws) => ws.send(String(event.data)) })));
const server = serve({ fetch: app.fetch, port: 8080 }) as Server;
injectWebSocket(server);
routeUpgrades(server, { '/live': gate });

process.once('SIGTERM', async () => {
  await gate.close();
  for (const ws of wss.clients) ws.terminate();
  server.close();
});
