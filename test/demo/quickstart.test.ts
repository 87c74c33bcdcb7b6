// The quickstart runs as written: `examples/quickstart/server.mjs` (started
// exactly as `npm run quickstart` starts it, on a free port) serves
// `examples/quickstart/index.html`, and a page in each engine authenticates,
// chats and, logged out, gets the error the README promises. The README quotes
// both files verbatim (checked here), so the text a reader copies is the text
// that ran. Nothing is substituted: the page uses a relative URL and the
// server's Origin list names localhost and 127.0.0.1 on its port.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { engine, launchBrowser } from '../support/browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readme = read('README.md');
const pkg = JSON.parse(read('package.json')) as { version: string; scripts: Record<string, string> };

/** The fenced block right after `<!-- quickstart:<name> -->`. */
function snippet(name: string): string {
  const found = new RegExp(`<!-- quickstart:${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(readme);
  assert.ok(found, `README.md has a fenced block marked <!-- quickstart:${name} -->`);
  return found[1]!;
}

/** A port the OS says is free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as import('node:net').AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let server: ChildProcess;
let output = '';
let origin: string;
let browser: Browser;

before(async () => {
  const port = await freePort();
  // `npm run quickstart` = build when stale, then this command (checked below).
  server = spawn(process.execPath, ['examples/quickstart/server.mjs'], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the quickstart server did not start within 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes(`quickstart: open http://localhost:${port}/`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`the quickstart server exited with ${code}:\n${output}`)));
  });
  origin = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
});

// The checks that involve no browser run once, in the Chromium pass.
const onceOnly = engine.name === 'chromium' ? {} : { skip: `${engine.label} pass: engine-independent, run in the Chromium pass` };

test('the README quotes examples/quickstart/index.html and server.mjs verbatim', onceOnly, () => {
  assert.equal(snippet('page'), read('examples/quickstart/index.html').trimEnd(), 'README <!-- quickstart:page --> = examples/quickstart/index.html');
  assert.equal(snippet('server'), read('examples/quickstart/server.mjs').trimEnd(), 'README <!-- quickstart:server --> = examples/quickstart/server.mjs');
  assert.match(readme, /npm run quickstart/, 'the README shows the one command');
  assert.equal(pkg.scripts.quickstart, 'node demo/ensure-build.mjs --package-only && node examples/quickstart/server.mjs');
});

test('every versioned CDN URL in the README and the quickstart page names the package.json version', onceOnly, () => {
  for (const text of [readme, read('examples/quickstart/index.html')]) {
    const versions = [...text.matchAll(/authsocket@(\d+\.\d+\.\d+[\w.-]*)/g)].map((found) => found[1]);
    assert.ok(versions.length > 0, 'a versioned CDN URL');
    assert.deepEqual([...new Set(versions)], [pkg.version]);
  }
});

test('the server quickstart type-checks as JavaScript under strict tsc (checkJs, with @types/ws and @types/node)', onceOnly, () => {
  const dir = mkdtempSync(join(tmpdir(), 'authsocket-quickstart-'));
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true,
        allowJs: true,
        checkJs: true,
        noEmit: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
      files: [join(root, 'examples/quickstart/server.mjs')],
    }));
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: root, encoding: 'utf8', timeout: 90_000 });
    assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The quickstart page in a fresh context (a new visitor: a new guest session). */
async function openPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(`${origin}/`);
  return { context, page };
}

test('the page authenticates (ack: open only after auth_ok) and its message comes back from the server', async () => {
  const { context, page } = await openPage();
  try {
    await page.locator('#log', { hasText: 'connected' }).waitFor({ timeout: 15_000 });
    // Polled, bounded: one read of the state right after the log line came back 'connecting'
    // once under WebKitWebDriver (1 of 3 full runs).
    await page.waitForFunction("socket.state === 'open'", undefined, { timeout: 10_000 });
    await page.fill('#text', 'hi');
    await page.click('#form button');
    await page.locator('#log', { hasText: ': hi' }).waitFor({ timeout: 10_000 });
    assert.match(await page.locator('#log').innerText(), /^connected\nguest-[0-9a-f]{4}: hi$/m);
  } finally {
    await context.close();
  }
});

test('logged out: the ticket endpoint answers 401 and the error listener shows TOKEN_PROVIDER_FAILED, retried', async () => {
  const { context, page } = await openPage();
  try {
    await page.locator('#log', { hasText: 'connected' }).waitFor({ timeout: 15_000 });
    await page.evaluate("fetch('/logout', { method: 'POST' }).then((response) => response.status)");
    // The next two errors, each with the cause the page's getTicket threw.
    const errors = page.evaluate(`new Promise((resolve, reject) => {
      const seen = [];
      const timer = setTimeout(() => reject(new Error('fewer than two errors within 12 s: ' + JSON.stringify(seen))), 12000);
      socket.on('error', (error) => {
        seen.push({ code: error.code, cause: error.cause && error.cause.message });
        if (seen.length === 2) { clearTimeout(timer); resolve(seen); }
      });
      socket.reconnect();
    })`);
    assert.deepEqual(await errors, [
      { code: 'TOKEN_PROVIDER_FAILED', cause: 'ticket endpoint answered 401' },
      { code: 'TOKEN_PROVIDER_FAILED', cause: 'ticket endpoint answered 401' },
    ]);
    assert.match(await page.locator('#log').innerText(), /error TOKEN_PROVIDER_FAILED: /);
    assert.notEqual(await page.evaluate('socket.state'), 'open');
  } finally {
    await context.close();
  }
});
