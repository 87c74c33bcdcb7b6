// The gate's adapters on the real runtimes (Bun.serve, Deno.serve, a Worker and
// a Durable Object on workerd), poked with `ws` from Node: every carrier brings
// the token `a+b c%2F;é` intact, a foreign Origin is refused with HTTP 403,
// `ack` sends auth_ok first, an expired credential closes 4401, the client
// gets in after a 4401 with a fresh credential and stops on 4403, and
// `close()` resolves after a refused socket. The Worker bundle holds neither
// `ws` nor any `node:` module.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { within } from '../support/server-timeout.ts';
import { attempt, ORIGIN, upgradeRequest } from '../support/server-gate.ts';
import { assertAuthFailurePolicy, TOKEN, VECTORS, welcomeFor } from '../server/frameworks-vectors.ts';
import { BRIEF_MS } from './runtimes/app.ts';
import { requireRuntime, type RunningRuntime } from './runtimes/harness.ts';
import { bundledWorker, TARGETS } from './runtimes/targets.ts';

describe('the Worker bundle', requireRuntime('workerd'), () => {
  test('holds authsocket/server/workers and neither ws nor a node: module', async () => {
    const { inputs } = await bundledWorker();
    assert.ok(inputs.some((file) => file.startsWith('dist/server/workers.js')), inputs.join(', '));
    assert.deepEqual(inputs.filter((file) => /(^|\/)node_modules\/ws\/|^node:/.test(file)), []);
  });
});

/** A `ws` client on `url` once the app welcomed it, and how it will close. */
async function admitted(url: string): Promise<{ closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(url, { origin: ORIGIN });
  const closed = within(new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  }), 5_000, 'the socket closed');
  await within(new Promise((resolve, reject) => {
    socket.once('message', resolve);
    socket.once('error', reject);
  }), 5_000, 'welcome');
  return { closed };
}

for (const target of TARGETS) {
  describe(`the gate on ${target.name}`, requireRuntime(target.runtime), () => {
    let runtime: RunningRuntime;
    const url = (path: string) => `ws://127.0.0.1:${runtime.port}${target.prefix}${path}`;
    const verified = async () => (await (await fetch(`http://127.0.0.1:${runtime.port}${target.prefix}/verified`)).json()) as string[];
    before(async () => { runtime = await target.start([ORIGIN]); });
    after(() => runtime?.stop());

    for (const [via, vector] of Object.entries(VECTORS)) {
      if (via === 'header' && target.runtime === 'workerd') {
        test('header: an ASCII token gets in; workerd turns a non-ASCII byte into U+FFFD (so the token is refused, 4401)', async () => {
          const ascii = await attempt(url('/live'), { headers: { Authorization: 'Bearer brief' }, closeAfter: 1 });
          assert.deepEqual(ascii.messages, [{ type: 'welcome', user: 'bob' }]);
          const latin1 = await attempt(url('/live'), vector);
          assert.deepEqual([latin1.messages, latin1.code], [[], 4401]);
          assert.ok((await verified()).includes(TOKEN.replace('é', '\uFFFD')));
        });
        continue;
      }
      test(`${via}: admitted, token intact, frames echoed`, async () => {
        const { query = '', send = [], ...options } = vector;
        const welcome = welcomeFor(via);
        const result = await attempt(url(`/live${query}`), { ...options, send: [...send, 'ping'], closeAfter: welcome.length + 1 });
        assert.deepEqual(result.messages, [...welcome, { type: 'echo', data: 'ping' }]);
        if (via === 'subprotocol') assert.equal(result.protocol, 'authsocket', 'the app protocol is selected, never the token entry');
      });
    }

    test('message: frames sent while `verify` runs reach the app after admission, in order, once', async () => {
      const auth = JSON.stringify({ type: 'auth', token: 'slow' });
      const result = await attempt(url('/live'), { protocols: ['authsocket'], send: [auth, 'one', 'two'], closeAfter: 4 });
      assert.deepEqual(result.messages, [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }, { type: 'echo', data: 'one' }, { type: 'echo', data: 'two' }]);
    });

    if (target.seesClientLeave) {
      test('a client that left during the Origin check is never verified', async () => {
        const client = connect(runtime.port, '127.0.0.1');
        client.on('error', () => {});
        client.write(upgradeRequest(`${target.prefix}/late?access_token=left`));
        await new Promise((resolve) => setTimeout(resolve, 50));
        client.destroy();
        await new Promise((resolve) => setTimeout(resolve, 600)); // the 300 ms check, then verify would have run
        assert.ok(!(await verified()).includes('left'));
        const stayed = await attempt(url('/late?access_token=stayed'));
        assert.equal(stayed.code, 4401, 'the same gate verifies a client that stays');
        assert.ok((await verified()).includes('stayed'));
      });
    }

    test('a foreign Origin is refused with HTTP 403, before verify', async () => {
      const before = (await verified()).length;
      assert.equal((await attempt(url('/live?access_token=never'), { origin: 'http://evil.example.test' })).status, 403);
      assert.equal((await verified()).length, before);
    });

    test('a frame over maxPayload (1 MiB by default) closes the socket 1009; one at it is echoed', async () => {
      const at = await attempt(url(`/live${VECTORS.query!.query}`), { send: ['x'.repeat(1024 * 1024 - 100)], closeAfter: 2 });
      assert.equal((at.messages[1] as { type: string }).type, 'echo');
      const over = await attempt(url(`/live${VECTORS.query!.query}`), { send: ['x'.repeat(1024 * 1024 + 1)] });
      assert.deepEqual([over.messages, over.code], [[{ type: 'welcome', user: 'alice' }], 1009]);
    });

    if (!target.sharesSockets) {
      test('revoke from another request fails: workerd lets only the request that opened a socket close it (use a Durable Object)', async () => {
        const bob = await admitted(url('/live?access_token=brief'));
        const answer = await fetch(`http://127.0.0.1:${runtime.port}${target.prefix}/revoke?key=bob`, { method: 'POST' });
        assert.equal(answer.status, 500);
        assert.equal((await bob.closed).reason, 'credential expired', 'the socket lived on until its own timer closed it');
        assert.match(runtime.stderr(), /Cannot perform I\/O on behalf of a different request/);
      });
    } else {
      test('revoke closes the user\'s sockets 4403 \'revoked\' and counts them', async () => {
        const bob = await admitted(url('/live?access_token=brief'));
        const closed = await (await fetch(`http://127.0.0.1:${runtime.port}${target.prefix}/revoke?key=bob`, { method: 'POST' })).json();
        assert.deepEqual([closed, await bob.closed], [1, { code: 4403, reason: 'revoked' }]);
      });
    }

    test('a refused credential is accepted, then closed 4401', async () => {
      const result = await attempt(url('/live?access_token=nope'));
      assert.deepEqual([result.opened, result.code], [true, 4401]);
    });

    test('ack: auth_ok is the first frame, before the app\'s', async () => {
      const result = await attempt(url(`/ack${VECTORS.query!.query}`), { closeAfter: 2 });
      assert.deepEqual(result.messages, [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }]);
    });

    test('the credential\'s end closes the socket 4401 \'credential expired\'', async () => {
      const started = Date.now();
      const result = await attempt(url('/live?access_token=brief'), { timeoutMs: BRIEF_MS + 5_000 });
      assert.deepEqual([result.messages, result.code, result.reason], [[{ type: 'welcome', user: 'bob' }], 4401, 'credential expired']);
      assert.ok(Date.now() - started >= BRIEF_MS - 50, `closed after ${Date.now() - started} ms`);
    });

    test('the client: 4401 → a fresh credential and in; 4403 → stop with unauthorized', () => assertAuthFailurePolicy(url('/live')));

    test('gate.close() resolves after a refused socket (Bun runs `close` during `open`: the gate must still hear it)', async () => {
      assert.equal((await attempt(url('/closable?access_token=nope'))).code, 4401);
      const closed = await fetch(`http://127.0.0.1:${runtime.port}${target.prefix}/closable/close`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
      assert.equal(await closed.json(), 'closed');
    });

    test('verify saw the token intact from every carrier', async () => {
      const carriers = Object.keys(VECTORS).length - (target.runtime === 'workerd' ? 1 : 0);
      assert.ok((await verified()).filter((token) => token === TOKEN).length >= carriers);
    });
  });
}
