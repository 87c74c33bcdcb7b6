// The built package as users load it: the IIFE from a <script src> tag, and the
// ESM entry bundled into an app by esbuild — both run in each engine (Chromium, Firefox, WebKit).
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { engine } from '../support/browser.ts';
import { openClientPage } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { requireToken, type TestServer } from '../support/ws-server.ts';

const root = new URL('../..', import.meta.url).pathname;
let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig), requireToken((token) => token === 'bundle-token'));

describe(`built bundles in ${engine.label}`, () => {
  test('IIFE: the global AuthSocket is the class, with helpers as static properties', async () => {
    const page = await openClientPage(browser, statics);
    const shape = await page.evaluate(() => {
      const w = window as any;
      const error = new w.AuthSocket.AuthSocketError('QUEUE_FULL', 'x');
      return {
        isClass: typeof w.AuthSocket === 'function' && w.AuthSocket.prototype.send !== undefined,
        errorIsError: error instanceof Error && (error as Error & { code: string }).code === 'QUEUE_FULL',
        codec: w.AuthSocket.jsonCodec.encode({ a: 1 }),
        scripts: [...document.scripts].map((s) => new URL(s.src).pathname),
      };
    });
    assert.deepEqual(shape, {
      isClass: true,
      errorIsError: true,
      codec: '{"a":1}',
      scripts: ['/dist/authsocket.min.js', '/test/support/page-recorder.js'],
    });
    await page.close();
  });

  test('ESM entry bundled by esbuild into an app: connects, authenticates, round-trips', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'authsocket-app-'));
    const entry = join(dir, 'app.js');
    // The app imports the package by name, resolved through package.json "exports".
    await writeFile(entry, `
      import { AuthSocket, AuthSocketError } from 'authsocket';
      import Default from 'authsocket';
      window.appResult = new Promise((resolve) => {
        const socket = new AuthSocket(window.wsUrl, { auth: { via: 'subprotocol', token: async () => 'bundle-token' } });
        socket.on('message', (msg) => resolve({ msg, sameDefault: Default === AuthSocket, hasError: typeof AuthSocketError }));
        socket.send({ from: 'bundle' });
      });
    `);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'iife',
      write: false,
      nodePaths: [join(root, '..')],
      alias: { authsocket: root },
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    statics.route('/app.js', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(code);
    });
    const page = await browser.newPage();
    await page.goto(`${statics.origin()}/`);
    await page.evaluate((url) => { (window as any).wsUrl = url; }, server.url);
    await page.addScriptTag({ url: '/app.js' });
    const outcome = await page.evaluate(() => Promise.race([
      (window as any).appResult,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no echo within 10 s')), 10_000)),
    ]));
    assert.deepEqual(outcome, { msg: { from: 'bundle' }, sameDefault: true, hasError: 'function' });
    assert.ok(!code.includes('require('), 'the browser bundle pulls in no Node code');
    await page.close();
  });
});
