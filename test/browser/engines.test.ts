// What the engines themselves do differently (raw WebSocket and cookies, no
// SDK): the facts docs/engines.md documents and the SDK works around. Each
// test asserts the expectation of the engine it runs in, so that a browser
// update that changes one shows up here first.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { engine } from '../support/browser.ts';
import { openClientPage } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { echo, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;
useBrowserRig((rig) => ({ browser, statics, server } = rig), echo);

/** A server that challenges a handshake without `Authorization` (401 + Basic) and accepts the rest; records what each carried. */
let basic: Server;
let basicPort: number;
const authorizations: Array<string | undefined> = [];
before(async () => {
  const wss = new WebSocketServer({ noServer: true });
  basic = createServer((_req, res) => void res.writeHead(404).end());
  basic.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const header = req.headers.authorization;
    authorizations.push(header && Buffer.from(header.replace(/^Basic /, ''), 'base64').toString());
    if (!header) return void socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="t"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(1000, 'seen'));
  });
  await new Promise<void>((resolve) => basic.listen(0, '127.0.0.1', resolve));
  basicPort = (basic.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => (basic ? (basic.closeAllConnections(), basic.close(() => resolve())) : resolve())));

/** Opens a raw WebSocket in the page; how it ended. */
const rawSocket = (url: string, protocols?: string[]) => `new Promise((resolve) => {
  const ws = new WebSocket(${JSON.stringify(url)}${protocols ? `, ${JSON.stringify(protocols)}` : ''});
  let opened = false;
  let protocol;
  const timer = setTimeout(() => resolve({ opened, protocol, code: 'no close within 5 s' }), 5000);
  ws.onopen = () => { opened = true; protocol = ws.protocol; ws.close(1000); };
  ws.onclose = (event) => { clearTimeout(timer); resolve({ opened, protocol, code: event.code }); };
})`;

describe(`engine facts in ${engine.label}`, () => {
  test('the server selects no subprotocol while the page offered one: Chromium fails the handshake, Firefox and WebKit open with protocol ""', async () => {
    const page = await openClientPage(browser, statics);
    // The test server selects only non-token entries: offering a token entry alone gets none selected.
    const outcome = await page.evaluate(rawSocket(server.url, ['base64url.bearer.dG9r']));
    const expected = engine.name === 'chromium' ? { opened: false, protocol: undefined, code: 1006 } : { opened: true, protocol: '', code: 1000 };
    assert.deepEqual(outcome, expected);
    await page.close();
  });

  test('a Secure cookie set from http://localhost: WebKit drops it, Chromium and Firefox keep it', async () => {
    const page = await openClientPage(browser, statics, 'localhost');
    const stored = await page.evaluate(() => {
      document.cookie = 'engine_fact=1; path=/; Secure; SameSite=Lax';
      const kept = document.cookie.includes('engine_fact=1');
      document.cookie = 'engine_fact=; path=/; Secure; SameSite=Lax; max-age=0';
      return kept;
    });
    assert.equal(stored, engine.name !== 'webkit');
    await page.close();
  });

  test('ws://user:pass@host: bare until a 401 challenge; afterwards Chromium waits for one, WebKit sends the new credential, Firefox its cached one', async () => {
    const page = await openClientPage(browser, statics);
    const from = authorizations.length;
    const first: { opened: boolean } = await page.evaluate(rawSocket(`ws://token:first-secret@127.0.0.1:${basicPort}/`));
    const second: { opened: boolean } = await page.evaluate(rawSocket(`ws://token:second-secret@127.0.0.1:${basicPort}/`));
    const seen = authorizations.slice(from);
    // The first handshake to a host goes out bare everywhere and answers the challenge.
    // Then Chromium waits for a challenge again; WebKit sends the new URL's credential
    // at once; Firefox sends the credential it cached for the host, whatever the URL says.
    const expected = {
      chromium: [undefined, 'token:first-secret', undefined, 'token:second-secret'],
      firefox: [undefined, 'token:first-secret', 'token:first-secret'],
      webkit: [undefined, 'token:first-secret', 'token:second-secret'],
    }[engine.name];
    assert.deepEqual({ seen, first: first.opened, second: second.opened }, { seen: expected, first: true, second: true });
    await page.close();
  });
});
