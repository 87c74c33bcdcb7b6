// One gate instance as its own process, for the load-balancer test: a gate on
// 127.0.0.1 (random port) whose revocations go through Redis pub/sub, and a
// small control API. Prints `READY <port>` once it serves.
//   env REDIS_PORT (required), INSTANCE (a name, echoed in every welcome)
//   POST /revoke?key=…&code=4401|4403  → { "closed": n }
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthGate, createRedisRevocations } from '../../src/server/index.ts';
import { connectPubSub } from './server-redis.ts';

const instance = process.env.INSTANCE ?? 'gate';
const pubSub = await connectPubSub(Number(process.env.REDIS_PORT));
const revocations = createRedisRevocations({ redis: pubSub });
await revocations.ready;

// Tokens are `user.serial`: each fetch gives a fresh one; `nobody.*` is refused.
const gate = createAuthGate<string>({
  origins: (origin) => origin === undefined,
  verify: (token) => {
    const user = token.split('.')[0];
    return user && user !== 'nobody' ? user : null;
  },
  revocations,
});
gate.on('connection', (socket, user) => {
  socket.send(JSON.stringify({ type: 'welcome', user, instance }));
  socket.on('message', (data) => socket.send(JSON.stringify({ type: 'echo', data: data.toString(), instance })));
});

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'POST' && url.pathname === '/revoke') {
    const code = Number(url.searchParams.get('code') ?? 4403) as 4401 | 4403;
    const closed = await gate.revoke(url.searchParams.get('key') ?? '', { code });
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ closed }));
  }
  if (url.pathname === '/health') return void res.writeHead(200).end(instance);
  res.writeHead(404).end();
});
gate.attach(server);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
});

const stop = async () => {
  await gate.close();
  server.closeAllConnections();
  server.close();
  pubSub.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
// The test runner dying must not leave us behind.
process.stdin.on('end', () => void stop());
process.stdin.resume();
