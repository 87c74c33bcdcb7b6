// routeUpgrades on its own: it owns the `upgrade` event (listeners added
// before or after it are adopted), gives listeners back when detached, answers
// 404 when nobody else would, checks its routes; and why Fastify's shutdown
// hook must be preClose.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import { createAuthGate, routeUpgrades, type UpgradeListener } from '../../src/server/index.ts';
import { attempt, ORIGIN } from '../support/server-gate.ts';
import { within } from '../support/server-timeout.ts';

function liveGate() {
  const verified: string[] = [];
  const gate = createAuthGate<string>({ origins: [ORIGIN], verify: (token) => (verified.push(token), token === 'good' ? 'alice' : null) });
  gate.on('connection', (socket, user) => socket.send(JSON.stringify({ type: 'welcome', user })));
  return { gate, verified };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

test('a listener added after routeUpgrades is adopted: it gets the other paths, never the gate\'s', async () => {
  const server = createServer();
  const { gate, verified } = liveGate();
  routeUpgrades(server, { '/live': gate });
  const seen: string[] = [];
  const other = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    seen.push(req.url ?? '');
    other.handleUpgrade(req, socket, head, (ws) => ws.send(JSON.stringify({ type: 'other' })));
  });
  const url = await listen(server);
  try {
    assert.equal(server.listeners('upgrade').length, 1, 'the router is the only listener');
    assert.deepEqual((await attempt(`${url}/live?access_token=good`, { closeAfter: 1 })).messages, [{ type: 'welcome', user: 'alice' }]);
    assert.deepEqual((await attempt(`${url}/elsewhere`, { closeAfter: 1 })).messages, [{ type: 'other' }]);
    assert.deepEqual([seen, verified], [['/elsewhere'], ['good']]);
  } finally {
    for (const ws of other.clients) ws.terminate();
    await gate.close();
    await close(server);
  }
});

test('the detach function gives the server its listeners back, in order', () => {
  const server = createServer();
  const first: UpgradeListener = () => {};
  const second: UpgradeListener = () => {};
  server.on('upgrade', first);
  const detach = routeUpgrades(server, { '/live': liveGate().gate });
  server.on('upgrade', second);
  return new Promise<void>((resolve) => process.nextTick(() => {
    assert.equal(server.listeners('upgrade').length, 1);
    detach();
    assert.deepEqual(server.listeners('upgrade'), [first, second]);
    server.on('upgrade', () => {});
    assert.equal(server.listeners('upgrade').length, 3, 'no longer adopted after detach');
    resolve();
  }));
});

test('an upgrade no listener takes is answered 404, the gate not asked', async () => {
  const server = createServer();
  const { gate, verified } = liveGate();
  routeUpgrades(server, { '/live': gate });
  const url = await listen(server);
  try {
    assert.equal((await attempt(`${url}/nowhere?access_token=good`)).status, 404);
    assert.deepEqual(verified, []);
  } finally {
    await gate.close();
    await close(server);
  }
});

test('routes are checked', () => {
  const { gate } = liveGate();
  for (const path of ['live', '', '/live?x', '/a#b']) {
    assert.throws(() => routeUpgrades(createServer(), { [path]: gate }), TypeError, path);
  }
  assert.throws(() => routeUpgrades(createServer(), { '/live': {} as never }), /handleUpgrade/);
});

// Fastify's close waits for every connection of its server, the gate's too.
async function fastifyWithGate(hook: 'preClose' | 'onClose') {
  const fastify = Fastify();
  await fastify.register(fastifyWebsocket);
  const { gate } = liveGate();
  routeUpgrades(fastify.server, { '/live': gate });
  fastify.addHook(hook, async () => { await gate.close(); });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const ws = new WebSocket(`ws://127.0.0.1:${(fastify.server.address() as AddressInfo).port}/live?access_token=good`, { origin: ORIGIN });
  await within(new Promise((resolve) => ws.once('message', resolve)), 5_000, 'gate socket open');
  return { fastify, gate, ws };
}

test('Fastify: gate.close() in preClose lets fastify.close() finish; in onClose it hangs', async () => {
  const good = await fastifyWithGate('preClose');
  const started = Date.now();
  await within(good.fastify.close(), 5_000, 'fastify.close with preClose');
  assert.ok(Date.now() - started < 2_000);

  const late = await fastifyWithGate('onClose');
  const closing = late.fastify.close();
  const outcome = await Promise.race([closing.then(() => 'closed'), new Promise((resolve) => setTimeout(resolve, 1_500, 'still waiting'))]);
  assert.equal(outcome, 'still waiting', 'onClose runs after the server closed, which waits for the gate socket');
  late.ws.terminate();
  await within(closing, 5_000, 'fastify.close once the socket is gone');
  await late.gate.close();
});
