// The ws adapter hands the app a plain `ws` WebSocket whose frames the core
// reads first by construction (a subclass), not by replacing `emit` on the
// socket or on the gate at runtime.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { startGate, attempt } from '../support/server-gate.ts';

test('the connection socket is a ws WebSocket with no emit of its own; auth frames never reach its message listeners', async () => {
  const g = await startGate({ carriers: ['message'] });
  const seen: string[] = [];
  const sockets: WebSocket[] = [];
  g.gate.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data) => seen.push(data.toString()));
  });
  try {
    const auth = JSON.stringify({ type: 'auth', token: 'good' });
    // auth, an app frame, an in-place re-authentication, another app frame
    const r = await attempt(g.url(), { send: [auth, 'one', auth, 'two'], closeAfter: 5 });
    assert.deepEqual(r.messages.filter((m) => (m as { type?: string }).type === 'auth_ok').length, 2);
    assert.deepEqual(seen, ['one', 'two']);
    assert.equal(sockets.length, 1);
    assert.ok(sockets[0] instanceof WebSocket);
    assert.equal(Object.hasOwn(sockets[0]!, 'emit'), false, 'emit is the class method, not replaced on the socket');
  } finally {
    await g.close();
  }
});
