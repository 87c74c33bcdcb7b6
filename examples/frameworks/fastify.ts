// Fastify 5 + @fastify/websocket: the app's own /chat socket and the gate's /live.
import fastifyWebsocket from '@fastify/websocket';
import { routeUpgrades } from 'authsocket/server';
import Fastify from 'fastify';
import { gate } from './gate.ts';

const fastify = Fastify();
await fastify.register(fastifyWebsocket);
fastify.get('/chat', { websocket: true }, (socket) => { socket.on('message', (data) => socket.send(String(data))); });
routeUpgrades(fastify.server, { '/live': gate });
fastify.addHook('preClose', () => gate.close());   // not onClose: fastify.close() would hang
await fastify.listen({ port: 8080 });

process.once('SIGTERM', () => void fastify.close());
