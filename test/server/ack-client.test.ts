// `ack` end to end in Node: the authsocket client (src/, on `ws`) with
// `auth.ack: true` against a gate with `ack: true`. `open` means the gate
// accepted the credential: never an `open` for a refused one, the ack is not
// a message, a missing ack is AUTH_TIMEOUT.
// Needs the client's `auth.ack` (SPEC "Confirmed open"); written against the SPEC API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { AuthSocket } from '../../src/index.ts';
import { startGate, type TestGate } from '../support/server-gate.ts';
import { until } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';

const origins = (origin: string | undefined) => origin === undefined;


/** A client whose first credential is refused and the next accepted; everything it saw, in order. */
function acking(url: string, via: 'subprotocol' | 'query' | 'header', extra: Record<string, unknown> = {}) {
  let calls = 0;
  const log: string[] = [];
  const messages: any[] = [];
  const errors: string[] = [];
  // Not an object literal in the call: the option is the SPEC's `auth.ack`.
  const auth = { via, token: () => (++calls === 1 ? 'bad' : 'good'), ack: true, ...extra };
  const socket = new AuthSocket<any>(url, { WebSocket: WebSocket as never, auth, reconnect: { minDelay: 10, maxDelay: 20 } });
  socket.on('state', ({ to }) => log.push(`state:${to}`));
  socket.on('open', () => log.push('open'));
  socket.on('close', ({ code }) => log.push(`close:${code}`));
  socket.on('message', (m) => { log.push(`message:${m.type}`); messages.push(m); });
  socket.on('error', (e) => errors.push(e.code));
  return { socket, log, messages, errors, tokens: () => calls };
}

describe('client auth.ack ↔ gate ack', () => {
  let g: TestGate<string>;
  before(async () => { g = await startGate({ origins, ack: true }); });
  after(() => g.close());

  for (const via of ['subprotocol', 'query', 'header'] as const) {
    test(`${via}: no open for the refused credential; open only after auth_ok; the ack is no message`, async () => {
      const c = acking(g.url(), via);
      try {
        await until(() => c.messages.length >= 1, 5_000, 'welcome');
        assert.deepEqual(c.messages, [{ type: 'welcome', user: 'alice' }], 'auth_ok is not delivered as a message');
        const opens = c.log.filter((line) => line === 'open');
        assert.equal(opens.length, 1, `one open, for the accepted credential: ${c.log}`);
        assert.ok(c.log.indexOf('close:4401') < c.log.indexOf('open'), `the refusal came before the only open: ${c.log}`);
        // Between the socket opening and `open`, the client was authenticating.
        const lastAuthenticating = c.log.lastIndexOf('state:authenticating');
        assert.ok(lastAuthenticating >= 0 && lastAuthenticating < c.log.indexOf('open'), c.log.join(' '));
        assert.equal(c.tokens(), 2);
      } finally {
        c.socket.close();
      }
    });
  }

  test('ready() resolves only after the gate accepted the credential', async () => {
    const c = acking(g.url(), 'query');
    try {
      await within(c.socket.ready(), 5_000, 'ready');
      // Without the ack, ready() would have resolved on the refused connection, before its 4401.
      assert.ok(c.log.includes('close:4401'), `ready() before the refusal: ${c.log}`);
      assert.equal(c.tokens(), 2);
      assert.equal(c.socket.state, 'open');
    } finally {
      c.socket.close();
    }
  });
});

describe('a gate that sends no ack', () => {
  let g: TestGate<string>;
  before(async () => { g = await startGate({ origins }); });
  after(() => g.close());

  test('no ack within auth.timeout is AUTH_TIMEOUT, and never an open', async () => {
    const c = acking(g.url(), 'query', { token: 'good', timeout: 300 });
    try {
      await until(() => c.errors.includes('AUTH_TIMEOUT'), 3_000, 'AUTH_TIMEOUT');
      assert.ok(!c.log.includes('open'), c.log.join(' '));
    } finally {
      c.socket.close();
    }
  });
});
