// One app per Node framework, each with its own WebSocket plugin serving
// `/echo` and an authsocket gate on `/live`, wired as docs/frameworks.md says
// (routeUpgrades, and the documented shutdown order in `close`).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import fastifyWebsocket from '@fastify/websocket';
import express from 'express';
import expressWs from 'express-ws';
import Fastify from 'fastify';
import { Hono } from 'hono';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { createAuthGate, Forbidden, routeUpgrades, type AuthGate } from '../../src/server/index.ts';
import { TOKEN } from './frameworks-vectors.ts';

export interface FrameworkApp {
  name: string;
  port: number;
  /** Upgrades the framework's own WebSocket server accepted (any path). */
  frameworkSockets(): number;
  /** The documented shutdown order. */
  close(): Promise<void>;
}

export type FrameworkName = 'express-ws' | '@fastify/websocket' | '@hono/node-ws' | '@nestjs/platform-ws';
export const FRAMEWORKS: readonly FrameworkName[] = ['express-ws', '@fastify/websocket', '@hono/node-ws', '@nestjs/platform-ws'];

/**
 * The gate on `/live` of every app: `TOKEN` (or `good`) is alice, `banned`
 * is Forbidden (4403), anything else is refused (4401). `verified` lists the
 * tokens `verify` saw.
 */
export function frameworkGate(origins: string[]) {
  const verified: string[] = [];
  const gate = createAuthGate<string>({
    origins,
    path: '/live',
    verify: (token) => {
      verified.push(token);
      if (token === 'banned') throw new Forbidden('banned');
      return token === TOKEN || token === 'good' ? 'alice' : null;
    },
  });
  gate.on('connection', (socket, user) => socket.send(JSON.stringify({ type: 'welcome', user })));
  return { gate: gate as AuthGate<unknown>, verified };
}

const echo = (data: unknown) => JSON.stringify({ type: 'framework-echo', data: String(data) });

async function listen(server: Server): Promise<number> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

// Plain node:http shutdown: the gate first (its sockets would keep
// `server.close` waiting), then the framework's sockets, then the server.
async function gateFirst(gate: AuthGate<unknown>, frameworkSockets: Iterable<{ terminate(): void }>, server: Server): Promise<void> {
  await gate.close();
  for (const ws of frameworkSockets) ws.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function startApp(name: FrameworkName, gate: AuthGate<unknown>): Promise<FrameworkApp> {
  let accepted = 0;
  if (name === 'express-ws') {
    const app = express();
    const server = createServer(app);
    const { getWss } = expressWs(app, server);
    getWss().on('connection', () => accepted++);
    (app as unknown as expressWs.Application).ws('/echo', (ws) => ws.on('message', (data) => ws.send(echo(data))));
    routeUpgrades(server, { '/live': gate });
    const port = await listen(server);
    return { name, port, frameworkSockets: () => accepted, close: () => gateFirst(gate, getWss().clients, server) };
  }
  if (name === '@fastify/websocket') {
    const fastify = Fastify();
    await fastify.register(fastifyWebsocket);
    fastify.websocketServer.on('connection', () => accepted++);
    fastify.get('/echo', { websocket: true }, (socket) => { socket.on('message', (data) => socket.send(echo(data))); });
    routeUpgrades(fastify.server, { '/live': gate });
    fastify.addHook('preClose', () => gate.close());
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    return { name, port: (fastify.server.address() as AddressInfo).port, frameworkSockets: () => accepted, close: () => fastify.close() };
  }
  if (name === '@nestjs/platform-ws') return startNest(gate);
  const app = new Hono();
  const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app });
  wss.on('connection', () => accepted++);
  app.get('/echo', upgradeWebSocket(() => ({ onMessage: (event, ws) => ws.send(echo(event.data)) })));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  injectWebSocket(server);
  routeUpgrades(server, { '/live': gate });
  const port = await listen(server);
  return { name, port, frameworkSockets: () => accepted, close: () => gateFirst(gate, wss.clients, server) };
}

// NestJS, with the decorators applied as plain calls (no decorator build step
// in the tests). The gateway answers `{ event: 'echo', data }` with the
// framework-echo frame (Nest calls a handler with the client, then the data).
async function startNest(gate: AuthGate<unknown>): Promise<FrameworkApp> {
  let accepted = 0;
  class EchoGateway {
    handleConnection() { accepted++; }
    echo(client: { send(frame: string): void }, data: unknown) { client.send(echo(data)); }
  }
  const method = Object.getOwnPropertyDescriptor(EchoGateway.prototype, 'echo')!;
  SubscribeMessage('echo')(EchoGateway.prototype, 'echo', method);
  WebSocketGateway({ path: '/echo' })(EchoGateway);
  // The gate closes before Nest closes the HTTP server, which would otherwise wait for the gate's sockets.
  const gateCloser = { provide: 'authsocket gate', useValue: { beforeApplicationShutdown: () => gate.close() } };
  class AppModule {}
  Module({ providers: [EchoGateway, gateCloser] })(AppModule);

  const app = await NestFactory.create(AppModule, { logger: false });
  app.useWebSocketAdapter(new WsAdapter(app));
  routeUpgrades(app.getHttpServer(), { '/live': gate });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { name: '@nestjs/platform-ws', port, frameworkSockets: () => accepted, close: () => app.close() };
}
