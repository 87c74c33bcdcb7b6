// authsocket through a real HAProxy and nginx (Debian packages haproxy,
// nginx-light) in front of the gate, each started from the config in
// docs/recipes/proxies.md: every carrier, what the proxy logs, and an idle
// timeout (HAProxy `timeout tunnel`, nginx `proxy_read_timeout`) held off by the heartbeat.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { connectBehindProxy } from '../../examples/recipes/proxied-client.ts';
import { AuthSocket } from '../../src/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { nextEvent, recordEvents, untilState } from '../support/interop/client.ts';
import { startBackend, startHaproxy, startNginx, type Backend, type Proxy } from '../support/interop/proxies.ts';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { requireTool } from '../support/tools.ts';

const TUNNEL_MS = 1500;
const FAST = { minDelay: 20, maxDelay: 200 };
const freshToken = (carrier: string) => `good-${carrier}-${randomBytes(8).toString('hex')}`;

const proxies = [
  {
    name: 'HAProxy',
    idle: 'timeout tunnel',
    needs: requireTool('/usr/sbin/haproxy', 'haproxy', { probe: ['-v'] }),
    start: (backendPort: number) => startHaproxy(backendPort, `${TUNNEL_MS}ms`),
  },
  {
    name: 'nginx',
    idle: 'proxy_read_timeout',
    needs: requireTool('/usr/sbin/nginx', 'nginx-light', { probe: ['-v'] }),
    start: (backendPort: number) => startNginx(backendPort, `${TUNNEL_MS}ms`),
  },
];

for (const { name, idle, needs, start } of proxies) describe(`${name} in front of the gate`, needs, () => {
  let backend: Backend;
  let proxy: Proxy;
  before(async () => {
    backend = await startBackend();
    proxy = await start(backend.port);
  });
  after(async () => {
    await proxy?.close();
    await backend?.close();
  });

  /** Authenticates through the proxy on `/via-<carrier>`, closes, and returns the proxy's log line for it. */
  async function throughProxy(via: 'subprotocol' | 'query' | 'message' | 'header', token: string): Promise<string> {
    const path = `/via-${via}`;
    const socket = new AuthSocket(`ws://127.0.0.1:${proxy.port}${path}`, { WebSocket, reconnect: FAST, auth: { via, token: async () => token } });
    try {
      assert.deepEqual(await nextEvent(socket, 'message'), { type: 'welcome', user: 'alice' }, via);
      const echoed = nextEvent(socket, 'message');
      socket.send({ type: 'chat', via });
      assert.deepEqual(await echoed, { type: 'chat', via });
    } finally {
      socket.close();
    }
    // Both proxies log a tunnelled request when it ends.
    return proxy.waitForLog((line) => line.includes(`GET ${path}`), path);
  }

  for (const via of ['subprotocol', 'message', 'header'] as const) {
    test(`${via}: authenticates through the proxy; the token is not in the proxy's log`, async () => {
      const token = freshToken(via);
      const line = await throughProxy(via, token);
      assert.match(line, / 101 /, 'the upgrade is logged with its status');
      assert.ok(!proxy.log.some((entry) => entry.includes(token)), 'no log line holds the token');
    });
  }

  test("query: authenticates through the proxy, and the log holds the token (use single-use tickets)", async () => {
    const token = freshToken('query');
    const line = await throughProxy('query', token);
    assert.ok(line.includes(`access_token=${token}`), `the request line is logged with its query: ${line}`);
  });

  test('cookie (Chromium): authenticates through the proxy; the cookie is not logged', async () => {
    let browser: Browser | undefined;
    let statics: StaticServer | undefined;
    try {
      [browser, statics] = await Promise.all([launchBrowser(), startStaticServer()]);
      // The cookie reaches a socket on the page's own host.
      const page = await openClientPage(browser, statics, 'localhost');
      const token = freshToken('cookie');
      await page.evaluate(({ url, token }) => {
        (window as any).track('s', new (window as any).AuthSocket(url, { auth: { via: 'cookie', token: async () => token } }));
      }, { url: `ws://localhost:${proxy.port}/via-cookie`, token });
      await waitForEvents(page, 's', 'message', 1, 20_000);
      const [welcome] = await entries(page, 's', 'message');
      assert.deepEqual(welcome.payload, { type: 'welcome', user: 'alice' });
      await page.evaluate(() => (window as any).sockets.s.close());
      const line = await proxy.waitForLog((entry) => entry.includes('GET /via-cookie'), '/via-cookie');
      assert.match(line, / 101 /);
      assert.ok(!proxy.log.some((entry) => entry.includes(token)), 'no log line holds the cookie');
      await page.close();
    } finally {
      await Promise.all([browser?.close(), statics?.close()]);
    }
  });

  test('message carrier, verify throws Forbidden: auth_error then 4403 through the proxy → unauthorized {4403}, no retry', async () => {
    let calls = 0;
    const socket = new AuthSocket(`ws://127.0.0.1:${proxy.port}/banned`, {
      WebSocket, reconnect: FAST, auth: { via: 'message', token: async () => `banned-${++calls}` },
    });
    const unauthorized = await nextEvent<{ code: number }>(socket, 'unauthorized');
    assert.equal(unauthorized.code, 4403);
    assert.equal(socket.state, 'closed');
    assert.equal(calls, 1, 'no retry');
  });

  test(`an idle socket is cut by ${idle} ${TUNNEL_MS} ms without a heartbeat (1006)`, async () => {
    const socket = new AuthSocket(`ws://127.0.0.1:${proxy.port}/idle`, {
      WebSocket, reconnect: false, auth: { via: 'subprotocol', token: async () => freshToken('idle') },
    });
    try {
      await untilState(socket, 'open');
      const opened = Date.now();
      const closed = await nextEvent<{ code: number }>(socket, 'close', TUNNEL_MS * 3);
      assert.equal(closed.code, 1006);
      assert.ok(Date.now() - opened >= TUNNEL_MS - 200, `cut by the idle timeout, after ${Date.now() - opened} ms`);
    } finally {
      socket.close();
    }
  });

  test(`with the recipe heartbeat (a third of ${idle}) the socket outlives several idle timeouts`, async () => {
    const before = backend.connections.length;
    const socket = connectBehindProxy(`ws://127.0.0.1:${proxy.port}/kept`, async () => freshToken('kept'), TUNNEL_MS, { WebSocket, reconnect: FAST });
    const log = recordEvents(socket);
    try {
      await untilState(socket, 'open');
      const started = Date.now();
      const pings = () => backend.connections[before]?.frames.filter((frame) => frame === '{"type":"ping"}').length ?? 0;
      // 12 pings at 500 ms: about 6 s, four idle timeouts.
      await backend.waiters.waitFor(() => pings() >= 12, '12 heartbeat pings', TUNNEL_MS * 6);
      assert.ok(Date.now() - started > TUNNEL_MS * 3, 'longer than three idle timeouts');
      assert.equal(log.filter(([type]) => type === 'close').length, 0, 'never cut');
      assert.equal(backend.connections.length - before, 1, 'one connection all along');
      assert.equal(backend.connections[before]!.closed, false);
    } finally {
      socket.close();
    }
  });
});
