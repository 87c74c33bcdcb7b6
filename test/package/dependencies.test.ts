// The two runtime dependencies are used as published: listed in `dependencies`,
// imported by name from the ESM/CJS builds (never copied into dist/), and
// inlined unchanged only in the CDN build. No build step reads or rewrites
// their source. Runs after `npm run build` (scripts/test.sh).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const read = (file: string) => readFileSync(file, 'utf8');

/** Every shipped ESM/CJS file: dist/*.js|cjs and dist/chunks/* (not the CDN IIFEs authsocket.min.js and authsocket.js, which inline everything). */
const shipped = [
  ...readdirSync(dist).filter((name) => /\.c?js$/.test(name) && !/^authsocket(\.min)?\.js$/.test(name)).map((name) => join(dist, name)),
  ...readdirSync(join(dist, 'chunks')).filter((name) => /\.c?js$/.test(name)).map((name) => join(dist, 'chunks', name)),
];
/** Bare specifiers a file imports, re-exports or requires (statements, not text in strings). */
const bareImports = (code: string) => [
  ...code.matchAll(/^(?:import|export)\b[^'"\n]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm),
].map((found) => (found[1] ?? found[2] ?? found[3])!).filter((specifier) => !specifier.startsWith('.'));

test('dependencies are exactly reconnecting-websocket and js-cookie', () => {
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['js-cookie', 'reconnecting-websocket']);
  assert.equal(pkg.devDependencies['reconnecting-websocket'], undefined, 'not listed twice');
});

test('dist/index.js and dist/index.cjs import both by name', () => {
  for (const file of ['index.js', 'index.cjs']) {
    const specifiers = bareImports(read(join(dist, file)));
    assert.ok(specifiers.includes('reconnecting-websocket'), `${file}: ${specifiers.join(', ')}`);
    assert.ok(specifiers.includes('js-cookie'), `${file}: ${specifiers.join(', ')}`);
  }
});

test('every package a shipped ESM/CJS file imports is declared; none is copied into dist/', () => {
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})]);
  const found = new Set<string>();
  for (const file of shipped) {
    const code = read(file);
    for (const specifier of bareImports(code)) {
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      assert.ok(declared.has(specifier), `${file} imports ${specifier}, which package.json must declare`);
      found.add(specifier);
    }
    assert.doesNotMatch(code, /class ReconnectingWebSocket\b|_connectLock/, `${file} has no copy of reconnecting-websocket`);
    assert.doesNotMatch(code, /withAttributes/, `${file} has no copy of js-cookie`);
  }
  assert.deepEqual([...found].sort(), ['js-cookie', 'react', 'reconnecting-websocket', 'ws']);
  assert.ok(!existsSync(join(dist, 'THIRD-PARTY-LICENSES')), 'nothing inlined, nothing to license');
});

test('the CDN build inlines both packages as published, with their licences beside it', () => {
  const min = read(join(dist, 'authsocket.min.js'));
  // Names of reconnecting-websocket's members and js-cookie's API that only the published code has.
  for (const marker of ['_connectLock', '_getNextDelay', 'withAttributes', 'withConverter']) {
    assert.ok(min.includes(marker), `${marker} is in the CDN build`);
  }
  const notices = read(join(dist, 'authsocket.min.js.LICENSE.txt'));
  for (const name of ['reconnecting-websocket', 'js-cookie']) {
    const version = JSON.parse(read(join(root, 'node_modules', name, 'package.json'))).version;
    assert.ok(notices.includes(`${name} ${version} (MIT)`), `${name}'s licence`);
  }
});

test('no build step reads or rewrites a dependency\'s source', () => {
  const config = read(join(root, 'rollup.config.mjs'));
  const scripts = readdirSync(join(root, 'scripts', 'rollup')).map((name) => read(join(root, 'scripts', 'rollup', name))).join('\n');
  for (const code of [config, scripts]) {
    assert.doesNotMatch(code, /reconnecting-websocket\.ts|js\.cookie\.mjs|readFileSync\([^)]*node_modules/);
  }
});

test("the ws peer range starts where the gate works: WebSocketServer's WebSocket option (ws 8.5), as docs/server.md says (8.6)", () => {
  // With ws 8.4 the gate cannot read frames before the app (its own socket class is ignored):
  // it refuses every connection loudly. The range and the docs name the same floor.
  assert.equal(pkg.peerDependencies.ws, '^8.6.0');
  assert.match(read(join(root, 'docs', 'server.md')), /optional peer\s+dependency, 8\.6 or later/);
});
