// The README's quickstart snippets, run AS WRITTEN and together: the server
// quickstart (`<!-- quickstart:server -->`) in Node, the CDN page
// (`<!-- quickstart:cdn -->`) and the TypeScript client (`<!-- quickstart:client -->`)
// in each engine. A message must round-trip end to end, so the snippets can never
// drift apart again (ticket format, JSON both ways, `response.ok`).
//
// The only changes are placeholders a reader substitutes too: the hosts
// (`https://app.example.com`, `wss://app.example.com`), the port (`8080`), the
// package import (→ this repo's dist/), the CDN URL (→ the same file, served
// locally) and the two functions the server quickstart leaves to the app
// (`currentUser`, `isBanned`). The page is served by a static server that
// forwards `/ws-ticket` to the quickstart server, as a reverse proxy would, so
// every port is chosen by the OS. The snippets report through console.log; in
// WebKit (no init scripts) the page starts with the adapter's console recorder.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transformSync } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { consoleRecorderTag, engine, launchBrowser } from '../support/browser.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** The fenced block right after `<!-- quickstart:<name> -->`. */
function snippet(name: string): string {
  const found = new RegExp(`<!-- quickstart:${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(readme);
  assert.ok(found, `README.md has a fenced block marked <!-- quickstart:${name} -->`);
  return found[1]!;
}

/** `text` with `from` replaced; fails when the README no longer contains `from`. */
function substitute(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `the snippet contains ${JSON.stringify(from)}`);
  return text.split(from).join(to);
}

const CDN = `https://unpkg.com/authsocket@${version}/dist/authsocket.min.js`;
// What the server quickstart leaves to the app: a session check (here: the cookie `session=alice`).
const serverGlue = `
async function currentUser(req: import('node:http').IncomingMessage): Promise<string | null> {
  return /(?:^|;\\s*)session=alice(?:;|$)/.test(req.headers.cookie ?? '') ? 'alice' : null;
}
async function isBanned(_userId: string): Promise<boolean> {
  return false;
}
`;

let dir: string;
let server: ChildProcess;
let serverOutput = '';
let wsOrigin: string;
let statics: StaticServer;
let browser: Browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'authsocket-quickstart-'));
  statics = await startStaticServer();

  let source = snippet('server');
  source = substitute(source, "'authsocket/server'", JSON.stringify(pathToFileURL(join(root, 'dist/server.js')).href));
  source = substitute(source, "'https://app.example.com'", JSON.stringify(statics.origin()));
  source = substitute(source, 'server.listen(8080);', "server.listen(0, '127.0.0.1', () => console.log(`listening on ${(server.address() as import('node:net').AddressInfo).port}`));");
  writeFileSync(join(dir, 'server.mjs'), transformSync(source + serverGlue, { loader: 'ts', format: 'esm' }).code);

  server = spawn(process.execPath, [join(dir, 'server.mjs')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server quickstart did not listen within 15 s:\n${serverOutput}`)), 15_000);
    const read = (chunk: Buffer) => {
      serverOutput += chunk;
      const found = /listening on (\d+)/.exec(serverOutput);
      if (found) {
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    };
    server.stdout!.on('data', read);
    server.stderr!.on('data', read);
    server.once('exit', (code) => reject(new Error(`the server quickstart exited with ${code}:\n${serverOutput}`)));
  });
  wsOrigin = `ws://127.0.0.1:${port}`;

  // The page's origin is the static server's; /ws-ticket goes through to the quickstart server.
  statics.route('/ws-ticket', async (req, res) => {
    const upstream = await fetch(`http://127.0.0.1:${port}/ws-ticket`, {
      method: req.method,
      headers: req.headers.cookie ? { cookie: req.headers.cookie } : {},
      signal: AbortSignal.timeout(5_000),
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });

  let cdnPage = snippet('cdn');
  cdnPage = substitute(cdnPage, CDN, '/dist/authsocket.min.js');
  cdnPage = substitute(cdnPage, 'wss://app.example.com', wsOrigin);
  statics.route('/cdn.html', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><meta charset="utf-8"><title>CDN quickstart</title>${consoleRecorderTag()}<body>\n${cdnPage}\n</body>`);
  });

  // The TypeScript quickstart, bundled like an app would: 'authsocket' is this package.
  const client = substitute(snippet('client'), 'wss://app.example.com', wsOrigin);
  const bundle = await build({
    stdin: {
      contents: `${client}\nfunction render(from: string, text: string) { console.log(JSON.stringify({ rendered: { from, text } })); }\n`,
      loader: 'ts',
      resolveDir: root,
    },
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  statics.route('/client.html', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><meta charset="utf-8"><title>TS quickstart</title>${consoleRecorderTag()}<body><script>${bundle.outputFiles[0]!.text}</script></body>`);
  });

  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await statics?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The snippet checks that do not involve a browser run once, in the Chromium pass.
const onceOnly = engine.name === 'chromium' ? {} : { skip: `${engine.label} pass: engine-independent, run in the Chromium pass` };

/** A browser context, logged in (cookie `session=alice` on the page's host) or not. */
async function context(loggedIn: boolean): Promise<BrowserContext> {
  const ctx = await browser.newContext();
  if (loggedIn) {
    // Set from a page of the origin (every engine's driver can do that; not all have addCookies).
    const page = await ctx.newPage();
    await page.goto(`${statics.origin()}/`);
    await page.evaluate(() => { document.cookie = 'session=alice; path=/'; });
    await page.close();
  }
  return ctx;
}

/** Resolves with the first console.log argument (as JSON) for which `match` holds. */
function consoleValue(page: Page, match: (value: any) => boolean, timeout = 15_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const timer = setTimeout(() => reject(new Error(`no matching console output within ${timeout} ms; saw:\n${seen.join('\n')}\nserver:\n${serverOutput}`)), timeout);
    page.on('console', async (message) => {
      const value = await message.args()[0]?.jsonValue().catch(() => undefined);
      seen.push(`${message.type()}: ${message.text()}`);
      const parsed = typeof value === 'string' ? (() => { try { return JSON.parse(value); } catch { return value; } })() : value;
      if (match(parsed)) {
        clearTimeout(timer);
        resolve(parsed);
      }
    });
  });
}

test('the CDN snippet names the package.json version (unpkg and jsdelivr)', onceOnly, () => {
  const cdn = snippet('cdn');
  assert.ok(cdn.includes(CDN), `unpkg URL for ${version}`);
  assert.ok(cdn.includes(`https://cdn.jsdelivr.net/npm/authsocket@${version}/dist/authsocket.min.js`), `jsdelivr URL for ${version}`);
  const versions = [...readme.matchAll(/authsocket@(\d+\.\d+\.\d+[\w.-]*)/g)].map((found) => found[1]);
  assert.deepEqual([...new Set(versions)], [version], 'every versioned CDN URL in the README');
});

test('the server quickstart type-checks under strict tsc (with @types/ws and @types/node, as Install says)', onceOnly, () => {
  writeFileSync(join(dir, 'server.ts'), snippet('server') + serverGlue);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
      paths: { 'authsocket/server': [join(root, 'dist/server.d.ts')] },
    },
    files: ['server.ts'],
  }));
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8', timeout: 90_000 });
  assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
});

test('CDN snippet + server quickstart: a logged-in page authenticates and its message comes back as JSON', async () => {
  const ctx = await context(true);
  const page = await ctx.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  const reply = consoleValue(page, (value) => value?.type === 'chat');
  await page.goto(`${statics.origin()}/cdn.html`);
  assert.deepEqual(await reply, { type: 'chat', from: 'alice', text: 'hi' });
  assert.equal(await page.evaluate('socket.state'), 'open');
  await ctx.close();
});

test('TypeScript quickstart (bundled) + server quickstart: render() gets the reply', async () => {
  const ctx = await context(true);
  const page = await ctx.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  const rendered = consoleValue(page, (value) => value?.rendered !== undefined);
  await page.goto(`${statics.origin()}/client.html`);
  assert.deepEqual(await rendered, { rendered: { from: 'alice', text: 'hi' } });
  await ctx.close();
});

test('a logged-out page: 401 from /ws-ticket → TOKEN_PROVIDER_FAILED with a clear cause, retried with backoff', async () => {
  const ctx = await context(false);
  const page = await ctx.newPage();
  await page.addInitScript('window.__name = (fn) => fn'); // tsx's keepNames helper
  await page.goto(`${statics.origin()}/cdn.html`);
  // The client retries for ever: the next failed attempt reports the same error.
  const next = () => page.evaluate(() => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no error within 10 s')), 10_000);
    const socket = (globalThis as any).eval('socket');
    socket.once('error', (error: any) => {
      clearTimeout(timer);
      resolve({ code: error.code, cause: error.cause?.message, state: socket.state });
    });
  }));
  const first = (await next()) as { code: string; cause: string; state: string };
  assert.equal(first.code, 'TOKEN_PROVIDER_FAILED');
  assert.equal(first.cause, 'ticket endpoint answered 401');
  const second = (await next()) as { code: string };
  assert.equal(second.code, 'TOKEN_PROVIDER_FAILED', 'retried');
  assert.notEqual(await page.evaluate('socket.state'), 'open');
  await ctx.close();
});
