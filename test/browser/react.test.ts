// authsocket/react in a real browser with real React (from npm, development
// build, bundled here by esbuild), in each engine: one connection per provider,
// under StrictMode too; re-renders do not reconnect; the latest token function
// is used; a new url or key means a new socket; unmount leaves nothing behind;
// shared providers in several tabs use one connection; hydration connects once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { build, type Plugin } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { engine } from '../support/browser.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { tokenOf, type TestServer } from '../support/ws-server.ts';

const root = new URL('../..', import.meta.url).pathname;
const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** 'authsocket' and 'authsocket/react' resolve as an app's bundler resolves them: package.json "exports" (import). */
const packageExports: Plugin = {
  name: 'authsocket-exports',
  setup(build) {
    build.onResolve({ filter: /^authsocket(\/|$)/ }, ({ path }) => ({ path: join(root, exports[`.${path.slice('authsocket'.length)}`].import.default) }));
  },
};
let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig));

const bundled = build({
  entryPoints: [join(root, 'test/react/app.jsx')],
  bundle: true,
  format: 'iife',
  jsx: 'automatic',
  write: false,
  // React's development build: the one whose StrictMode mounts effects twice.
  define: { 'process.env.NODE_ENV': '"development"' },
  plugins: [packageExports],
  logLevel: 'silent',
});

async function openApp(context: Browser | BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  // See test/support/page.ts: tsx's keepNames wraps evaluated functions in `__name`.
  await page.addInitScript('window.__name = (fn) => fn');
  await page.goto(`${statics.origin()}/`);
  await page.addScriptTag({ url: '/react-app.js' });
  return page;
}

type Props = { url?: string; protocols?: string[]; strict?: boolean; tokenPrefix?: string; tokenFails?: boolean; shared?: boolean; key?: string; version?: number; provider?: false };
interface View {
  renders: number;
  socketId: number;
  state: string;
  leader: boolean;
  last: unknown;
  error?: { code: string; isError: boolean };
  messages: Array<{ msg: unknown; by: number }>;
  tokenCalls: string[];
  states: string[];
  url?: string;
  socketState?: string;
}

const mount = (page: Page, name: string, props: Props) =>
  page.evaluate(([name, props]) => (window as any).harness.mount(name, props), [name, { url: server.url, ...props }] as const);
const rerender = (page: Page, name: string, props: Props) =>
  page.evaluate(([name, props]) => (window as any).harness.render(name, props), [name, { url: server.url, ...props }] as const);
const unmount = (page: Page, name: string) => page.evaluate((name) => (window as any).harness.unmount(name), name);
const view = (page: Page, name: string): Promise<View> => page.evaluate((name) => (window as any).harness.view(name), name);
const send = (page: Page, name: string, msg: unknown) =>
  page.evaluate(([name, msg]) => (window as any).harness.send(name, msg), [name, msg] as const);
const harness = (page: Page, property: string) => page.evaluate((property) => (window as any).harness[property], property);
/** Waits (bounded) until `predicate(view)` holds; the predicate runs in the page. */
const waitForView = (page: Page, name: string, predicate: string, timeout = 10_000) =>
  page.waitForFunction(([name, predicate]) => new Function('view', `return ${predicate}`)((window as any).harness.view(name)), [name, predicate] as const, { timeout });

/** A round trip through the echo server: every frame before it has been handled. */
async function roundTrip(page: Page, name: string, text: string): Promise<void> {
  await send(page, name, { text });
  await waitForView(page, name, `view.messages.some((m) => m.msg.text === ${JSON.stringify(text)})`);
}

describe(`authsocket/react in ${engine.label}`, () => {
  // Inside the describe: after the rig's hook has started the static server.
  before(async () => {
    const code = (await bundled).outputFiles[0]!.text;
    statics.route('/react-app.js', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(code);
    });
  });

  test('StrictMode: one upgrade, one token call, the same subscriptions as without it; unmount closes and leaves none', async () => {
    const page = await openApp(browser);
    const beforeReact: string[] = await harness(page, 'pageListeners');
    // Without StrictMode first: how many subscriptions one mounted provider and probe hold.
    let since = server.connections.length;
    await mount(page, 'plain', {});
    await waitForView(page, 'plain', "view.state === 'open'");
    const plain = await harness(page, 'listeners');
    assert.ok(plain >= 2, `the provider and useSocketEvent subscribe (${plain})`);
    await unmount(page, 'plain');
    assert.equal(await harness(page, 'listeners'), 0);
    // React DOM's first root adds one document listener for good; the socket leaves none.
    const pageListeners = await harness(page, 'pageListeners');
    assert.deepEqual(pageListeners, [...beforeReact, 'selectionchange'].sort());

    since = server.connections.length;
    await mount(page, 'strict', { strict: true });
    await waitForView(page, 'strict', "view.state === 'open'");
    await roundTrip(page, 'strict', 'after open');
    assert.equal(server.connections.length - since, 1, 'exactly one upgrade');
    assert.deepEqual((await view(page, 'strict')).tokenCalls, ['strict'], 'one token call');
    assert.deepEqual((await view(page, 'strict')).states, ['connecting', 'open'], 'the simulated unmount started nothing and closed nothing');
    assert.equal(await harness(page, 'listeners'), plain, 'no subscription left from the simulated unmount');
    assert.equal((await view(page, 'strict')).messages.length, 1, 'the echo delivered once');

    await unmount(page, 'strict');
    await server.waitFor(() => server.connections[since]!.ws.readyState === 3, 5000, 'the connection closed');
    const after = await view(page, 'strict');
    assert.equal(after.socketState, 'closed');
    assert.equal(await harness(page, 'listeners'), 0, 'no socket subscription left');
    assert.deepEqual(await harness(page, 'pageListeners'), pageListeners, 'no window/document listener left');
    assert.equal(server.connections.length - since, 1, 'no reconnect after unmount');
    await page.close();
  });

  test('re-rendering with a new options object does not reconnect; the next attempt calls the latest token function', async () => {
    const page = await openApp(browser);
    const since = server.connections.length;
    await mount(page, 'r', { tokenPrefix: 'v1' });
    await waitForView(page, 'r', "view.state === 'open'");
    const { socketId } = await view(page, 'r');
    for (let version = 1; version <= 5; version++) await rerender(page, 'r', { tokenPrefix: `v${version + 1}`, version });
    await waitForView(page, 'r', 'view.listenerVersion === 5');
    await roundTrip(page, 'r', 'still here');
    let current = await view(page, 'r');
    assert.equal(current.socketId, socketId, 'the same socket object');
    assert.equal(server.connections.length - since, 1, 'no reconnect on re-render');
    assert.deepEqual(current.tokenCalls, ['v1']);
    // The latest listener got the echo.
    assert.equal(current.messages.at(-1)!.by, 5);

    // The server drops the connection: the client reconnects with the latest render's token function.
    server.connections[since]!.ws.close(1012, 'restart');
    await server.waitFor(() => server.connections.length - since === 2, 10_000, 'the reconnection');
    assert.equal(tokenOf(server.connections[since + 1]!.handshake), 'v6-2');
    await waitForView(page, 'r', "view.state === 'open'");
    current = await view(page, 'r');
    assert.deepEqual(current.tokenCalls, ['v1', 'v6']);
    assert.equal(current.socketId, socketId, 'reconnecting keeps the socket object');
    await unmount(page, 'r');
    await page.close();
  });

  test('a new url closes the old socket and opens one new, with the options of that render; so does a new key', async () => {
    const page = await openApp(browser);
    const since = server.connections.length;
    await mount(page, 'u', { url: `${server.url}?room=a` });
    await waitForView(page, 'u', "view.state === 'open'");
    const first = await view(page, 'u');

    await rerender(page, 'u', { url: `${server.url}?room=b`, protocols: ['room.b'] });
    await waitForView(page, 'u', `view.socketId !== ${first.socketId} && view.state === 'open'`);
    await server.waitFor(() => server.connections[since]!.ws.readyState === 3, 5000, 'the old connection closed');
    await roundTrip(page, 'u', 'room b');
    assert.deepEqual(server.connections.slice(since).map((c) => new URL(c.handshake.url, 'http://x').search), ['?room=a', '?room=b']);
    assert.deepEqual(server.connections[since + 1]!.handshake.protocols.slice(0, 1), ['room.b'], 'the new socket has the new render\'s options');
    const second = await view(page, 'u');
    assert.match(second.url!, /room=b$/);
    assert.equal(second.messages.length, 1, 'the listener moved to the new socket');

    await rerender(page, 'u', { url: `${server.url}?room=b`, key: 'next' });
    await waitForView(page, 'u', `view.socketId !== ${second.socketId} && view.state === 'open'`);
    await server.waitFor(() => server.connections[since + 1]!.ws.readyState === 3, 5000, 'the second connection closed');
    assert.equal(server.connections.length - since, 3, 'one new connection per url or key');
    await unmount(page, 'u');
    await server.waitFor(() => server.connections[since + 2]!.ws.readyState === 3, 5000, 'the last connection closed');
    assert.equal(await harness(page, 'listeners'), 0);
    await page.close();
  });

  test('useLastMessage, useSocketState and useSocketError follow the socket; outside a provider a hook throws a clear error', async () => {
    const page = await openApp(browser);
    await mount(page, 'm', {});
    await waitForView(page, 'm', "view.state === 'open'");
    const since = server.connections.length - 1;
    server.connections[since]!.ws.send(JSON.stringify({ type: 'news', n: 1 }));
    await waitForView(page, 'm', 'view.last?.n === 1');
    server.connections[since]!.ws.send(JSON.stringify({ type: 'news', n: 2 }));
    await waitForView(page, 'm', 'view.last?.n === 2');
    assert.deepEqual((await view(page, 'm')).messages.map((m) => m.msg), [{ type: 'news', n: 1 }, { type: 'news', n: 2 }]);
    await unmount(page, 'm');

    await mount(page, 'e', { tokenFails: true });
    await waitForView(page, 'e', "view.error?.code === 'TOKEN_PROVIDER_FAILED'");
    assert.equal((await view(page, 'e')).error!.isError, true);
    await unmount(page, 'e');

    await mount(page, 'orphan', { provider: false });
    await page.waitForFunction(() => (window as any).harness.caught('orphan') !== undefined, undefined, { timeout: 5000 });
    assert.equal(await page.evaluate(() => (window as any).harness.caught('orphan')), 'authsocket/react: useAuthSocket() must be called inside an <AuthSocketProvider>');
    await page.close();
  });

  test('hydrating server-rendered HTML: no mismatch, one upgrade, then open', async () => {
    const page = await openApp(browser);
    const since = server.connections.length;
    // What react-dom/server renders for this tree (test/package/react-ssr.test.ts renders it in Node).
    await page.evaluate(([props]) => (window as any).harness.hydrate('h', props, '<p data-name="h">idle</p>'), [{ url: server.url, strict: true }] as const);
    await waitForView(page, 'h', "view.state === 'open'");
    await roundTrip(page, 'h', 'hydrated');
    assert.deepEqual(await page.evaluate(() => (window as any).hydrationErrors), []);
    assert.equal(server.connections.length - since, 1);
    await unmount(page, 'h');
    await page.close();
  });

  test('shared: true in three tabs: one connection; one tab leads; a message from a follower reaches every tab', async () => {
    const context = await browser.newContext();
    const tabs: Page[] = [];
    for (let i = 0; i < 3; i++) tabs.push(await openApp(context));
    const since = server.connections.length;
    await mount(tabs[0]!, 's', { shared: true, strict: true, tokenPrefix: 'a' });
    await waitForView(tabs[0]!, 's', "view.state === 'open'");
    for (const [index, tab] of tabs.slice(1).entries()) await mount(tab, 's', { shared: true, strict: true, tokenPrefix: 'bc'[index]! });
    for (const tab of tabs) await waitForView(tab, 's', "view.state === 'open'");
    assert.deepEqual(await Promise.all(tabs.map(async (tab) => (await view(tab, 's')).leader)), [true, false, false]);
    assert.equal(server.connections.length - since, 1, 'one upgrade for three tabs');
    assert.equal(tokenOf(server.connections[since]!.handshake), 'a-1');

    await send(tabs[2]!, 's', { text: 'from c' });
    for (const tab of tabs) await waitForView(tab, 's', "view.last?.text === 'from c'");
    assert.equal(server.connections.length - since, 1);
    await context.close();
  });
});
