// Express 5 + express-ws: the app's own /chat socket and the gate's /live on one server.
import { createServer } from 'node:http';
import { routeUpgrades } from 'authsocket/server';
import express from 'express';
import expressWs from 'express-ws';
import { gate } from './gate.ts';

const app = express();
const server = createServer(app);
const { app: wsApp, getWss } = expressWs(app, server);
wsApp.ws('/chat', (ws) => ws.on('message', (data) => ws.send(String(data))));
routeUpgrades(server, { '/live': gate });
server.listen(8080);

process.once('SIGTERM', async () => {
  await gate.close();                                   // the gate's sockets first
  for (const ws of getWss().clients) ws.terminate();     // then the plugin's
  server.close();
});
