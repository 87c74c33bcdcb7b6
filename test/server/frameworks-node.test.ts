// The gate beside each Node framework's own WebSocket plugin (express-ws,
// @fastify/websocket, @hono/node-ws, NestJS WsAdapter), from npm, wired with routeUpgrades as
// docs/frameworks.md says: the framework's route still works, every carrier
// reaches the gate with an awkward token intact, 4401/4403/foreign Origin are
// answered by the gate (not swallowed by the plugin), the plugin never sees a
// gate upgrade, and the documented shutdown order ends without hanging.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { attempt, ORIGIN } from '../support/server-gate.ts';
import { within } from '../support/server-timeout.ts';
import { FRAMEWORKS, frameworkGate, startApp, type FrameworkApp } from './frameworks-apps.ts';
import { assertAuthFailurePolicy, TOKEN, VECTORS, welcomeFor } from './frameworks-vectors.ts';

for (const name of FRAMEWORKS) {
  describe(`${name} beside the gate`, () => {
    let app: FrameworkApp;
    let g: ReturnType<typeof frameworkGate>;
    const url = (path: string) => `ws://127.0.0.1:${app.port}${path}`;
    before(async () => { g = frameworkGate([ORIGIN]); app = await startApp(name, g.gate); });
    after(() => app.close());

    test("the framework's own WebSocket route still works", async () => {
      const frame = name === '@nestjs/platform-ws' ? JSON.stringify({ event: 'echo', data: 'hi' }) : 'hi';
      const result = await attempt(url('/echo'), { send: [frame], closeAfter: 1 });
      assert.deepEqual(result.messages, [{ type: 'framework-echo', data: 'hi' }]);
    });

    for (const [via, vector] of Object.entries(VECTORS)) {
      test(`${via}: the gate admits the token a+b c%2F;é intact; the plugin never sees the upgrade`, async () => {
        const before = { sockets: app.frameworkSockets(), verified: g.verified.length };
        const { query = '', ...options } = vector;
        const welcome = welcomeFor(via);
        const result = await attempt(url(`/live${query}`), { ...options, closeAfter: welcome.length });
        assert.deepEqual(result.messages, welcome);
        assert.deepEqual(g.verified.slice(before.verified), [TOKEN], 'verified once, with the exact token');
        assert.equal(app.frameworkSockets(), before.sockets, 'the plugin took no gate upgrade');
      });
    }

    test('a foreign Origin is refused with HTTP 403, verify never called', async () => {
      const before = g.verified.length;
      const result = await attempt(url('/live?access_token=good'), { origin: 'http://evil.example.test' });
      assert.equal(result.status, 403);
      assert.equal(g.verified.length, before);
    });

    test('the client: 4401 → a fresh credential and in; 4403 → stop with unauthorized', () => assertAuthFailurePolicy(url('/live')));

    test('a path neither serves keeps the framework\'s own answer, and the gate is not asked', async () => {
      const before = g.verified.length;
      const result = await attempt(url('/nowhere?access_token=good'));
      assert.ok(result.status === 404 || (result.opened && result.code === 1005) || result.code === 1006, JSON.stringify(result));
      assert.equal(g.verified.length, before);
    });
  });

  test(`${name}: the documented shutdown order closes the app with sockets open on both sides`, async () => {
    const g = frameworkGate([ORIGIN]);
    const app = await startApp(name, g.gate);
    const gateSocket = new WebSocket(`ws://127.0.0.1:${app.port}/live?access_token=good`, { origin: ORIGIN });
    const ownSocket = new WebSocket(`ws://127.0.0.1:${app.port}/echo`, { origin: ORIGIN });
    const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const gateClosed = closed(gateSocket);
    await within(Promise.all([new Promise((r) => gateSocket.once('message', r)), new Promise((r) => ownSocket.once('open', r))]), 5_000, 'both sockets open');
    await within(app.close(), 5_000, `${name} shutdown`);
    assert.equal(await within(gateClosed, 2_000, 'gate socket closed'), 1001);
  });
}
