// The gate never calls `verify` for a socket that is already gone: closed by
// the client, or taken by another `upgrade` listener, before the gate's
// verify starts (a single-use ticket must not be spent on it).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { attempt, ORIGIN, startGate, upgradeRequest } from '../support/server-gate.ts';
import { until } from '../support/server-socket.ts';

/** An origin check that holds every request until `release()`. */
function heldOrigins() {
  const waiting: Array<() => void> = [];
  return {
    origins: async (origin: string | undefined) => {
      await new Promise<void>((resolve) => waiting.push(resolve));
      return origin === ORIGIN;
    },
    get waiting() { return waiting.length; },
    release() { for (const resolve of waiting.splice(0)) resolve(); },
  };
}

for (const how of ['closes', 'resets'] as const) {
  test(`the client ${how} its connection before verify starts: verify is not called`, async () => {
    const held = heldOrigins();
    const g = await startGate({ origins: held.origins });
    try {
      let serverSide: (import('node:stream').Duplex & { _readableState?: { ended?: boolean } }) | undefined;
      g.server.prependListener('upgrade', (_req, socket) => { serverSide = socket; });
      const client = connect(g.port, '127.0.0.1');
      client.on('error', () => {});
      client.write(upgradeRequest('/?access_token=good'));
      await until(() => held.waiting === 1, 2_000, 'the origin check is running');
      if (how === 'closes') client.end();
      else client.resetAndDestroy();
      await until(() => serverSide!.destroyed || serverSide!._readableState?.ended === true, 2_000, 'the server saw it');
      held.release();
      await until(() => serverSide!.destroyed, 2_000, 'the gate let the socket go');
      assert.deepEqual(g.verified, [], 'no verify for a socket that is gone');
    } finally {
      held.release();
      await g.close();
    }
  });
}

test('taken by another upgrade listener before verify starts: verify is not called, the other server keeps it', async () => {
  const held = heldOrigins();
  const g = await startGate({ origins: held.origins });
  const other = new WebSocketServer({ noServer: true });
  g.server.on('upgrade', (req, socket, head) => other.handleUpgrade(req, socket, head, (ws) => ws.send('{"type":"other"}')));
  try {
    const pending = attempt(g.url('/?access_token=good'), { closeAfter: 1 });
    await until(() => held.waiting === 1, 2_000, 'the origin check is running');
    held.release();
    const result = await pending;
    assert.deepEqual(result.messages, [{ type: 'other' }]);
    assert.deepEqual(g.verified, [], 'no verify for a socket another listener took');
  } finally {
    held.release();
    other.close();
    await g.close();
  }
});
