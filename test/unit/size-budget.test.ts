// CI's size budgets (scripts/size-budget.mjs), min+gzip -9: the CDN build
// (dist/authsocket.min.js, the IIFE with every dependency inlined) within
// BUDGET, and the one-carrier app (bench/fixtures/one-carrier-app.js bundled by
// esbuild against dist/lite.js) within APP_BUDGET. The suite runs after
// `npm run build`, so dist/ is fresh here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/size-budget.mjs', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

test('dist/authsocket.min.js is within the size budget (min+gzip -9)', () => {
  const result = run();
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`.trim());
  assert.match(result.stdout, /^size-budget: ok, .*authsocket\.min\.js: \d+ B min\+gzip -9, budget \d+ B/);
});

test('the one-carrier app is within its own budget, checked in the same run', () => {
  const result = run('--only=app');
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`.trim());
  assert.match(result.stdout, /^size-budget: ok, .*one-carrier-app\.js \(one-carrier app bundled with esbuild\): \d+ B min\+gzip -9, budget \d+ B/);
  const both = run();
  assert.equal(both.stdout.trim().split('\n').length, 2, 'one line per budget');
  assert.match(both.stdout, /one-carrier-app\.js/);
});

test('the app check fails with exit 1 and one line when over budget or when its entry is missing', () => {
  const over = run('--app-budget=100');
  assert.equal(over.status, 1);
  assert.deepEqual(over.stderr.trim().split('\n').length, 1);
  assert.match(over.stderr, /^size-budget: FAIL: over budget by \d+ B: .*one-carrier-app\.js/);
  assert.match(over.stdout, /^size-budget: ok, .*authsocket\.min\.js/, 'the CDN check still reports');
  const missing = run('--only=app', '--app=test/does-not-exist.js');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^size-budget: FAIL: cannot read .*does-not-exist\.js/);
});

test('the app is bundled as an app would: the built lite entry plus reconnecting-websocket from node_modules as published, no src/; unused carriers and tabs dropped', async () => {
  const { bundleApp } = await import('../../scripts/size-budget.mjs');
  const { inputs, gzipped, minified, code } = await bundleApp();
  assert.ok(gzipped > 0 && gzipped < minified);
  assert.ok(inputs.includes('dist/lite.js'), inputs.join(', '));
  // reconnecting-websocket is the published package's own file.
  assert.ok(inputs.some((input) => /^node_modules\/reconnecting-websocket\/dist\//.test(input)), inputs.join(', '));
  assert.deepEqual(inputs.filter((input) => input.startsWith('src/')), []);
  // The chunk shared with the main entry imports js-cookie; what matters is what is left of it.
  const text = new TextDecoder().decode(code);
  assert.ok(!text.includes('withAttributes'), 'js-cookie (only the cookie carrier uses it) is not bundled');
  assert.ok(!text.includes('BroadcastChannel'), 'tab sharing is not bundled');
  assert.ok(!text.includes('Authorization'), 'the header carrier is not bundled');
  // The optional features it does not use are not bundled (authsocket/lite's wrapped values).
  for (const [feature, marker] of [['heartbeat', 'heartbeat: give interval'], ['validate', 'validator threw'], ['setup', 'options.setup failed'], ['closeCodes', 'not 1005/1006/1015'], ['in-band handshake', 'auth.timeout: give ms']]) {
    assert.ok(!text.includes(marker), `${feature} is not bundled`);
  }
});

test('an app that uses a lite feature bundles it, and only it', async () => {
  const { bundleApp } = await import('../../scripts/size-budget.mjs');
  const contents = "import { AuthSocket, heartbeat, subprotocol } from 'authsocket/lite'; new AuthSocket('wss://a.example/ws', { auth: { via: subprotocol, token: 't' }, heartbeat: heartbeat({ interval: 1000, timeout: 500 }) });";
  // A development build: each feature is recognised by its own error texts, which production builds leave out.
  const { code } = await bundleApp(undefined, { entryPoints: undefined, stdin: { contents, resolveDir: process.cwd() }, define: { 'process.env.NODE_ENV': '"development"' } });
  const text = new TextDecoder().decode(code);
  assert.ok(text.includes('heartbeat: give interval'), 'the heartbeat is bundled');
  assert.ok(!text.includes('validator threw') && !text.includes('options.setup failed'), 'the other features are not');
});

test('the main entry still bundles every carrier by name (js-cookie included)', async () => {
  const { bundleApp } = await import('../../scripts/size-budget.mjs');
  const { inputs } = await bundleApp(undefined, { entryPoints: undefined, stdin: { contents: "import { AuthSocket } from 'authsocket'; new AuthSocket('wss://a.example/ws', { auth: { via: 'subprotocol', token: 't' } });", resolveDir: process.cwd() } });
  assert.ok(inputs.includes('dist/index.js'), inputs.join(', '));
  assert.ok(inputs.some((input) => /node_modules\/js-cookie\//.test(input)), inputs.join(', '));
});

test('the check fails with exit 1 and one line when over budget', () => {
  const result = run('--budget=100');
  assert.equal(result.status, 1);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^size-budget: FAIL: over budget by \d+ B/);
});

test('the check fails when the file is missing (build not run)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'size-budget-'));
  try {
    const result = run(`--file=${join(dir, 'missing.js')}`);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^size-budget: FAIL: cannot read/);
    writeFileSync(join(dir, 'tiny.js'), 'var a=1;');
    assert.equal(run('--only=cdn', `--file=${join(dir, 'tiny.js')}`, '--budget=500').status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
