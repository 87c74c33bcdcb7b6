// reconnecting-websocket (RWS) ships inside dist/: compiled from its TS source
// into a chunk of its own (ES2022, private members renamed, debug lines gone),
// with its MIT notice, so that no shipped file imports the package and it is a
// devDependency only. Our own code in dist/ stays readable (not minified).
// Runs after `npm run build` (scripts/test.sh).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const rwsDir = join(require.resolve('reconnecting-websocket/package.json'), '..');
const rwsPkg = JSON.parse(readFileSync(join(rwsDir, 'package.json'), 'utf8'));

/** Every shipped JS file: dist/*.js|cjs and dist/chunks/*.js|cjs (the CDN IIFE inlines everything). */
const shipped = [
  ...readdirSync(dist).filter((name) => /\.c?js$/.test(name)).map((name) => join(dist, name)),
  ...readdirSync(join(dist, 'chunks')).filter((name) => /\.c?js$/.test(name)).map((name) => join(dist, 'chunks', name)),
];
const read = (file: string) => readFileSync(file, 'utf8');
/** Bare specifiers a file imports, re-exports or requires (statements, not text in strings). */
const bareImports = (code: string) => [
  ...code.matchAll(/^(?:import|export)\b[^'"\n]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm),
].map((found) => (found[1] ?? found[2] ?? found[3] ?? found[4])!).filter((specifier) => !specifier.startsWith('.'));
const rwsChunks = shipped.filter((file) => /\/chunks\/reconnecting-websocket-[\w-]+\.c?js$/.test(file));

test('no shipped file imports or requires reconnecting-websocket', () => {
  assert.ok(shipped.length >= 10, shipped.join(', '));
  for (const file of shipped) {
    const code = read(file);
    assert.doesNotMatch(code, /from\s*['"]reconnecting-websocket['"]|require\(\s*['"]reconnecting-websocket['"]\s*\)|import\(\s*['"]reconnecting-websocket['"]/, file);
  }
});

test('every package a shipped file imports is a dependency or peer dependency; reconnecting-websocket is a devDependency', () => {
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const found = new Set<string>();
  for (const file of shipped) {
    for (const specifier of bareImports(read(file))) {
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      assert.ok(declared.has(name), `${file} imports ${specifier}, which package.json must declare`);
      found.add(name);
    }
  }
  assert.deepEqual([...found].sort(), ['js-cookie', 'ws'], 'the scan sees the imports that are there');
  assert.equal(pkg.dependencies['reconnecting-websocket'], undefined);
  assert.ok(pkg.devDependencies['reconnecting-websocket'], 'still needed to build (and by the bench)');
});

test('reconnecting-websocket is one chunk per format, compiled from source: no tslib, private members renamed, no debug logging', () => {
  assert.equal(rwsChunks.filter((file) => file.endsWith('.js')).length, 1, rwsChunks.join(', '));
  assert.equal(rwsChunks.filter((file) => file.endsWith('.cjs')).length, 1, rwsChunks.join(', '));
  for (const file of rwsChunks) {
    const code = read(file);
    assert.match(code, /class ReconnectingWebSocket\b/, file);
    assert.ok(!code.includes('__extends') && !code.includes('Microsoft Corporation'), `${file}: no tslib`);
    assert.doesNotMatch(code, /\b_[a-z]\w*/i, `${file}: no _private name is left`);
    assert.ok(!code.includes('RWS>') && !code.includes('console.log'), `${file}: debug logging stripped`);
    // The public API transport.ts uses keeps its names.
    for (const member of [/^\s*reconnect\(/m, /^\s*close\(/m, /^\s*set binaryType\(/m]) assert.match(code, member, file);
  }
});

test('the reconnecting-websocket chunk starts with its MIT notice; dist/THIRD-PARTY-LICENSES has the full text', () => {
  const license = readFileSync(join(rwsDir, 'LICENSE'), 'utf8').trim();
  const copyright = license.match(/^Copyright .*$/m)![0];
  for (const file of rwsChunks) {
    const [first] = read(file).split('\n');
    assert.equal(first, `/*! reconnecting-websocket v${rwsPkg.version} | MIT | ${copyright} | licence: THIRD-PARTY-LICENSES */`, file);
  }
  const notices = read(join(dist, 'THIRD-PARTY-LICENSES'));
  assert.ok(notices.includes(`reconnecting-websocket ${rwsPkg.version} (MIT)`), notices);
  assert.ok(notices.includes(license), 'the full licence text');
  // Only chunks that inline a package carry a notice.
  for (const file of shipped.filter((name) => !rwsChunks.includes(name) && !name.endsWith('.min.js'))) {
    assert.ok(!read(file).startsWith('/*!'), `${file} has no third-party notice`);
  }
});

test('our own code in the ESM/CJS dist is not minified', () => {
  const core = shipped.find((file) => /\/chunks\/core-[\w-]+\.js$/.test(file))!;
  const code = read(core);
  assert.match(code, /class Transport \{/);
  assert.match(code, /#handlers;/, 'private names kept');
  assert.ok(code.split('\n').length > 500, 'one statement a line');
});
