// Several cookie-carrier sockets in one page. The cookie is written right before
// each attempt and removed once that attempt's handshake settled, by that attempt
// only: another socket's connection ending (here closed 4401 by the server) must
// not remove the cookie of a handshake in flight, or that handshake may go out
// without it. The server below answers each upgrade only when the test says so,
// which holds a handshake in flight while the 4401 close is handled.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type WebSocket, WebSocketServer } from 'ws';
import { openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { tokenOf } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
useBrowserRig((rig) => ({ browser, statics } = rig));

/** An upgrade request the server has not answered yet. */
interface Upgrade {
  /** The socket it came from (`?s=` in its URL). */
  socket: string;
  /** The credential its cookie carried, if any. */
  token: string | undefined;
  accept(): Promise<WebSocket>;
}

const wss = new WebSocketServer({ noServer: true });
const upgrades: Upgrade[] = [];
const waiting = new Set<() => void>();
const tcp = new Set<Socket>();
let http: Server;
let base: string;

before(async () => {
  http = createServer((_req, res) => res.writeHead(404).end());
  http.on('connection', (socket) => {
    tcp.add(socket);
    socket.on('close', () => tcp.delete(socket));
  });
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = tokenOf({ url: req.url ?? '/', protocols: [], cookie: req.headers.cookie, origin: undefined, authorization: undefined });
    upgrades.push({
      socket: url.searchParams.get('s') ?? '?',
      token,
      accept: () => new Promise((resolve) => wss.handleUpgrade(req, socket, head, resolve)),
    });
    for (const wake of [...waiting]) wake();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `ws://localhost:${(http.address() as AddressInfo).port}/ws`;
});
after(() => {
  for (const socket of tcp) socket.destroy();
  http.close();
});

/** The `index`th upgrade request (0-based), once it arrived (bounded wait). */
function upgrade(index: number, timeoutMs = 10_000): Promise<Upgrade> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (upgrades.length <= index) return;
      clearTimeout(timer);
      waiting.delete(check);
      resolve(upgrades[index]!);
    };
    const timer = setTimeout(() => {
      waiting.delete(check);
      reject(new Error(`upgrade #${index + 1} did not arrive within ${timeoutMs} ms`));
    }, timeoutMs);
    waiting.add(check);
    check();
  });
}

/** The credential cookies in the page's jar (name `ws_token`). */
const jarTokens = async (page: Page) => (await page.context().cookies()).filter((cookie) => cookie.name === 'ws_token').map((cookie) => cookie.value);

test('one socket closed 4401 while another\'s handshake is in flight: that cookie stays until its handshake settled; every handshake carries its own cookie', async () => {
  const page = await openClientPage(browser, statics, 'localhost');
  await page.evaluate((base) => {
    const w = window as any;
    w.cookieSocket = (name: string) => {
      let n = 0;
      return w.track(name, new w.AuthSocket(`${base}?s=${name}`, { auth: { via: 'cookie', token: async () => `${name}.${++n}` } }));
    };
    w.cookieSocket('A');
  }, base);
  const a = await upgrade(0);
  assert.equal(a.socket, 'A');
  const aServer = await a.accept();
  await waitForEvents(page, 'A', 'open');

  await page.evaluate(() => {
    (window as any).cookieSocket('B');
    (window as any).cookieSocket('C');
  });
  // B or C, whichever took the cookie lock first; its handshake stays in flight.
  const inFlight = await upgrade(1);
  assert.deepEqual(await jarTokens(page), [inFlight.token], 'the in-flight attempt wrote its cookie');

  aServer.close(4401, 'token expired');
  await waitForEvents(page, 'A', 'close');
  assert.deepEqual(await jarTokens(page), [inFlight.token], "A's connection ending must not remove the in-flight attempt's cookie");

  // Let every handshake through now: the other new socket and A's reconnection.
  const servers = [await inFlight.accept()];
  for (let index = 2; index < 4; index++) servers.push(await (await upgrade(index)).accept());
  for (const name of ['A', 'B', 'C']) await waitForEvents(page, name, 'open', name === 'A' ? 2 : 1);

  assert.deepEqual(upgrades.map(({ socket }) => socket).sort(), ['A', 'A', 'B', 'C']);
  const wrong = upgrades.filter(({ socket, token }) => token?.split('.')[0] !== socket);
  assert.deepEqual(wrong.map(({ socket, token }) => `${socket}: ${token ?? 'no cookie'}`), [], 'every handshake carried its own socket\'s cookie');
  assert.deepEqual(await jarTokens(page), [], 'no ws_token left in the jar');
  await page.evaluate(() => {
    for (const socket of Object.values((window as any).sockets)) (socket as any).close();
  });
  for (const ws of servers) ws.terminate();
  await page.close();
});
