// The gate option `path`: a gate serves only its path(s), matched as ws's
// WebSocketServer({ path }) matches them; other paths get HTTP 400 unless
// another upgrade listener on the server will take them.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { createAuthGate, type AuthGate, type Refusal } from '../../src/server/index.ts';
import { attempt, ORIGIN } from '../support/server-gate.ts';

function gateFor(path?: string | string[], name = 'gate') {
  const refusals: Refusal[] = [];
  const verified: string[] = [];
  const gate = createAuthGate<string>({
    origins: [ORIGIN],
    path,
    verify: (token) => { verified.push(token); return token === 'good' ? name : null; },
  });
  gate.on('refused', (refusal) => refusals.push(refusal));
  gate.on('connection', (socket, user) => socket.send(JSON.stringify({ type: 'welcome', user })));
  return { gate, refusals, verified };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function shut(server: Server, ...gates: AuthGate<string>[]): Promise<void> {
  for (const gate of gates) await gate.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const welcome = (user: string) => [{ type: 'welcome', user }];

test('with path, attach serves that path only; any other is HTTP 400 before verify, with a refused event', async () => {
  const server = createServer();
  const live = gateFor('/live');
  live.gate.attach(server);
  const url = await listen(server);
  try {
    assert.deepEqual((await attempt(`${url}/live?access_token=good`, { closeAfter: 1 })).messages, welcome('gate'));
    for (const path of ['/', '/other', '/live/', '/Live', '/live%2F', '/livex']) {
      const r = await attempt(`${url}${path}?access_token=good`);
      assert.equal(r.status, 400, path);
    }
    assert.deepEqual(live.verified, ['good']);
    assert.deepEqual([live.refusals.at(-1)?.status, live.refusals.at(-1)?.reason], [400, 'path not served']);
  } finally {
    await shut(server, live.gate);
  }
});

test('several paths; handleUpgrade honours path too (400, as ws.handleUpgrade does)', async () => {
  const server = createServer();
  const both = gateFor(['/a', '/b']);
  server.on('upgrade', (req, socket, head) => both.gate.handleUpgrade(req, socket, head));
  const url = await listen(server);
  try {
    assert.deepEqual((await attempt(`${url}/a?access_token=good`, { closeAfter: 1 })).messages, welcome('gate'));
    assert.deepEqual((await attempt(`${url}/b?access_token=good`, { closeAfter: 1 })).messages, welcome('gate'));
    assert.equal((await attempt(`${url}/c?access_token=good`)).status, 400);
  } finally {
    await shut(server, both.gate);
  }
});

test('two gates with their own paths share one server; an unknown path gets exactly one answer (400)', async () => {
  const server = createServer();
  const a = gateFor('/a', 'A');
  const b = gateFor('/b', 'B');
  a.gate.attach(server);
  b.gate.attach(server);
  const url = await listen(server);
  try {
    assert.deepEqual((await attempt(`${url}/a?access_token=good`, { closeAfter: 1 })).messages, welcome('A'));
    assert.deepEqual((await attempt(`${url}/b?access_token=good`, { closeAfter: 1 })).messages, welcome('B'));
    assert.equal((await attempt(`${url}/c?access_token=good`)).status, 400);
    assert.deepEqual([a.refusals.length, b.refusals.length], [1, 0], 'only the first gate answered /c');
    assert.deepEqual([a.verified, b.verified], [['good'], ['good']]);
  } finally {
    await shut(server, a.gate, b.gate);
  }
});

test('a gate with path leaves other paths to another upgrade listener (here a plain ws server)', async () => {
  const server = createServer();
  const live = gateFor('/live');
  live.gate.attach(server);
  const open = new WebSocketServer({ noServer: true });
  open.on('connection', (ws) => ws.send(JSON.stringify({ type: 'welcome', user: 'public' })));
  server.on('upgrade', (req, socket, head) => {
    if (req.url?.startsWith('/public')) open.handleUpgrade(req, socket, head, (ws) => open.emit('connection', ws, req));
  });
  const url = await listen(server);
  try {
    assert.deepEqual((await attempt(`${url}/public`, { closeAfter: 1 })).messages, welcome('public'));
    assert.deepEqual((await attempt(`${url}/live?access_token=good`, { closeAfter: 1 })).messages, welcome('gate'));
    assert.deepEqual(live.refusals, []);
  } finally {
    for (const ws of open.clients) ws.terminate();
    open.close();
    await shut(server, live.gate);
  }
});

test('without path, attach keeps serving every path', async () => {
  const server = createServer();
  const any = gateFor();
  any.gate.attach(server);
  const url = await listen(server);
  try {
    for (const path of ['/', '/anything/at/all']) {
      assert.deepEqual((await attempt(`${url}${path}?access_token=good`, { closeAfter: 1 })).messages, welcome('gate'), path);
    }
  } finally {
    await shut(server, any.gate);
  }
});

test('path is checked at creation', () => {
  for (const path of ['live', '', '/live?x=1', '/a#b', [], ['/ok', 'bad'], 42]) {
    assert.throws(() => createAuthGate({ origins: [ORIGIN], verify: () => null, path: path as never }), TypeError, JSON.stringify(path));
  }
});
