// Each browser carrier authenticates with an async provider, the server checks
// the exact token, and typed JSON round-trips — in each engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { engine } from '../support/browser.ts';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { messageAuth, requireToken, tokenOf, type TestServer } from '../support/ws-server.ts';

// Spaces, commas, '+', '/', '=' and non-ASCII: every carrier must carry it intact.
const TOKEN = 'tök en,+/=é 🎟️';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig));

describe(`carriers in ${engine.label}`, () => {
  for (const via of ['subprotocol', 'query', 'cookie'] as const) {
    test(`${via}: the server sees the exact token and JSON round-trips`, async () => {
      server.handle = requireToken((token) => token === TOKEN);
      const before = server.connections.length;
      // Cookies reach the socket only on the page's own host.
      const host = via === 'cookie' ? 'localhost' : '127.0.0.1';
      const page = await openClientPage(browser, statics, host);
      await page.evaluate(
        ({ url, via, token }) => {
          const socket = (window as any).track('s', new (window as any).AuthSocket(url, {
            auth: { via, token: async () => { await new Promise((r) => setTimeout(r, 20)); return token; } },
          }));
          socket.send({ type: 'say', text: 'héllo' });
        },
        { url: server.urlFor(host), via, token: TOKEN },
      );
      await waitForEvents(page, 's', 'message');
      const [message] = await entries(page, 's', 'message');
      assert.deepEqual(message.payload, { type: 'say', text: 'héllo' });
      const connection = server.connections[before]!;
      assert.equal(tokenOf(connection.handshake), TOKEN);
      if (via === 'subprotocol') {
        assert.equal(connection.handshake.protocols[0], 'authsocket');
        assert.equal(connection.ws.protocol, 'authsocket', 'the server selected the app protocol, not the token');
      }
      if (via === 'cookie') {
        const cookieLeft = await page.evaluate(() => document.cookie);
        assert.doesNotMatch(cookieLeft, /ws_token/, 'the cookie is removed once the handshake settled');
      }
      const url = await page.evaluate(() => (window as any).sockets.s.url);
      assert.equal(url, server.urlFor(host));
      await page.close();
    });
  }

  test('message: auth frame first, nothing before the ack, queued messages in order after it', async () => {
    server.handle = messageAuth((token) => token === TOKEN, 300);
    const before = server.connections.length;
    const page = await openClientPage(browser, statics);
    await page.evaluate(({ url, token }) => {
      const socket = (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'message', token: async () => token },
      }));
      for (let i = 0; i < 5; i++) socket.send({ n: i });
      socket.on('state', ({ to }: { to: string }) => {
        // Sends while waiting for the ack must wait too.
        if (to === 'authenticating') socket.send({ n: 5 });
      });
    }, { url: server.url, token: TOKEN });
    // While the ack is delayed, the server has seen the auth frame and nothing else.
    await server.waitFor(() => server.connections[before]?.frames.length === 1, 5000, 'auth frame');
    const connection = server.connections[before]!;
    assert.deepEqual(JSON.parse(connection.frames[0]!), { type: 'auth', token: TOKEN });
    assert.equal(await page.evaluate(() => (window as any).sockets.s.state), 'authenticating');
    await waitForEvents(page, 's', 'message', 6);
    assert.deepEqual(connection.frames.slice(1).map((frame) => JSON.parse(frame).n), [0, 1, 2, 3, 4, 5]);
    const states = (await entries(page, 's', 'state')).map((entry) => entry.payload.to);
    assert.deepEqual(states, ['connecting', 'authenticating', 'open']);
    await page.close();
  });
});
