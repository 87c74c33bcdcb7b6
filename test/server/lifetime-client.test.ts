// The authsocket client (from src/, on Node's `ws`) against a gate that
// enforces short credential lifetimes: proactive refresh keeps it ahead of
// the gate's 4401 'credential expired'.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { AuthSocket } from '../../src/index.ts';
import { startGate, type TestGate } from '../support/server-gate.ts';
import { until } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';

const LIFETIME = 1_500;
let g: TestGate<string>;
const renewed: string[] = [];
before(async () => {
  g = await startGate({
    origins: (origin) => origin === undefined,
    verify: async (t) => (t.startsWith('alice@') ? 'alice' : null),
    expiresAt: (_user, t) => Number(t.split('@')[1]),
  });
  g.gate.on('reauthenticated', (_socket, user) => renewed.push(user));
});
after(() => g.close());

/** A provider of `alice@<end>` tokens that live LIFETIME ms, and the client knows it. */
function shortLived() {
  let calls = 0;
  const provider = () => {
    calls++;
    const expiresAt = Date.now() + LIFETIME;
    return { token: `alice@${expiresAt}`, expiresAt };
  };
  return { provider, calls: () => calls };
}


test("refresh 'in-place' keeps ONE connection across several short lifetimes", async () => {
  const tokens = shortLived();
  const socket = new AuthSocket<any>(g.url(), {
    WebSocket: WebSocket as never,
    auth: { via: 'message', refresh: 'in-place', token: tokens.provider },
  });
  const closes: number[] = [];
  const reauths: string[] = [];
  socket.on('close', ({ code }) => closes.push(code));
  socket.on('reauthenticated', ({ via }) => reauths.push(via));
  try {
    await within(socket.ready(), 3_000, 'open');
    const started = Date.now();
    // Four lifetimes: without renewal the gate would have cut it after the first.
    await until(() => Date.now() - started > 4 * LIFETIME, 4 * LIFETIME + 2_000, 'four lifetimes');
    assert.deepEqual(closes, [], 'never closed: no 4401 credential expired');
    assert.ok(reauths.length >= 3 && reauths.every((via) => via === 'in-place'), `re-authentications: ${reauths}`);
    assert.equal(g.gate.clients.size, 1, 'one connection on the server');
    assert.ok(tokens.calls() >= 4);
    socket.send({ still: 'here' });
    const echo = await within(new Promise<any>((resolve) => socket.on('message', (m) => m.type === 'echo' && resolve(m))), 2_000, 'echo');
    assert.equal(echo.data, '{"still":"here"}');
  } finally {
    socket.close();
  }
});

test("refresh 'reconnect' loses no message, and closes each old connection itself before the gate's expiry cuts it", async () => {
  const tokens = shortLived();
  const socket = new AuthSocket<any, any>(g.url(), {
    WebSocket: WebSocket as never,
    auth: { via: 'subprotocol', token: tokens.provider },   // refresh: 'reconnect' is the default
  });
  const closes: Array<{ code: number; reason: string }> = [];
  const echoed: number[] = [];
  let reconnects = 0;
  socket.on('reauthenticated', ({ via }) => via === 'reconnect' && reconnects++);
  socket.on('message', (m) => {
    if (m.type === 'echo') echoed.push(JSON.parse(m.data).n);
  });
  const serverCloses: string[] = [];
  const off = g.gate.on('connection', (ws) => ws.on('close', (code: number, reason: Buffer) => serverCloses.push(`${code} ${reason}`)));
  socket.on('close', ({ code, reason }) => closes.push({ code, reason }));
  let sent = 0;
  const sender = setInterval(() => socket.send({ n: sent++ }), 15);
  try {
    await within(socket.ready(), 3_000, 'open');
    await until(() => reconnects >= 3, 4 * LIFETIME + 3_000, 'three make-before-break switches');
    clearInterval(sender);
    const total = sent;
    await until(() => echoed.length >= total, 3_000, `echoes of ${total} messages (have ${echoed.length})`);
    assert.deepEqual([...echoed].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i), 'every message exactly once');
    assert.deepEqual(closes, [], 'the app saw no close: the switches were seamless');
    // The client starts each refresh early enough and closes the old connection
    // (1000) before its credential expires: the gate never has to cut one.
    assert.deepEqual(serverCloses.filter((line) => line.startsWith('4401')), [], `no old connection was cut at expiry: ${serverCloses}`);
    assert.ok(serverCloses.filter((line) => line.startsWith('1000')).length >= 2, `old connections closed by the client: ${serverCloses}`);
  } finally {
    off();
    clearInterval(sender);
    socket.close();
  }
});
