// The examples stay true: they type-check against the package's source, and
// both run in each engine against the demo server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('tsc type-checks examples/ (tsconfig maps authsocket to src/index.ts)', () => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'examples/tsconfig.json'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
});

test('examples/script-tag names a versioned CDN URL, the version in package.json', () => {
  const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
  const page = readFileSync(`${root}examples/script-tag/index.html`, 'utf8');
  const urls = [...page.matchAll(/https:\/\/unpkg\.com\/[^"\s&]+/g)].map((found) => found[0]);
  assert.deepEqual(urls, [`https://unpkg.com/authsocket@${version}/dist/authsocket.min.js`]);
});

let demo: { url: string; close(): Promise<void> };
let browser: Browser;

before(async () => {
  // @ts-expect-error: plain JS module without types
  const { startDemoServer } = await import('../../demo/server.mjs');
  demo = await startDemoServer({ port: 0 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(new URL(path, demo.url).href);
  return page;
}

test('examples/script-tag: the IIFE from a <script> tag authenticates (message carrier) and chats', async () => {
  const page = await open('/examples/script-tag/');
  await page.locator('#output', { hasText: 'authenticating → open' }).waitFor({ timeout: 15_000 });
  await page.fill('#text', 'hello from the script tag');
  await page.click('#form button');
  await page.locator('#output', { hasText: 'script-tag: hello from the script tag' }).waitFor({ timeout: 10_000 });
  await page.close();
});

test('examples/bundler before its build: the page says how to build it instead of staying blank', async () => {
  rmSync(`${root}examples/bundler/dist`, { recursive: true, force: true }); // the next test builds it again
  const page = await open('/examples/bundler/');
  await page.locator('#output', { hasText: 'Not built yet' }).waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#output').innerText(), /node examples\/bundler\/build\.mjs/);
  await page.close();
});

test('examples/bundler: esbuild bundles src/main.ts importing "authsocket"; the app authenticates and chats', async () => {
  const build = spawnSync(process.execPath, ['examples/bundler/build.mjs'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(build.status, 0, `build failed:\n${build.stdout}${build.stderr}`);
  const page = await open('/examples/bundler/');
  await page.locator('#output', { hasText: 'welcome bundled-app (via subprotocol)' }).waitFor({ timeout: 15_000 });
  await page.locator('#output', { hasText: 'bundled-app: hello from the bundled example' }).waitFor({ timeout: 10_000 });
  await page.locator('#output', { hasText: 'ready' }).waitFor({ timeout: 10_000 });
  await page.close();
});
