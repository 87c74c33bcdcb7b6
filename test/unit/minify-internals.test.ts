// The CDN build mangles the client's internal property names
// (scripts/rollup/minify.mjs INTERNAL_PROPERTIES). That is safe only while none
// of them is a property of the public API, of a tab frame or of a dependency:
// a mangled public name would silently read `undefined` from a user's options.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { INTERNAL_PROPERTIES } from '../../scripts/rollup/minify.mjs';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
const require = createRequire(import.meta.url);
const dependency = (pkg: string, file: string) => readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file), 'utf8');

test('no internal property name is part of the public types, the tab frames or a dependency', () => {
  const sources = {
    'src/types.ts': withoutComments(read('src/types.ts')),
    'src/tabs/': readdirSync(new URL('src/tabs/', root)).filter((file) => file.endsWith('.ts')).map((file) => withoutComments(read(`src/tabs/${file}`))).join('\n'),
    'reconnecting-websocket': withoutComments(dependency('reconnecting-websocket', 'reconnecting-websocket.ts')),
    'js-cookie': withoutComments(dependency('js-cookie', 'dist/js.cookie.mjs')),
  };
  for (const name of INTERNAL_PROPERTIES) {
    // As a property: `.name`, `name:`/`name?:` (a literal key or a type member), or a method or
    // field declared at the start of a line (`name(`, `name =`).
    const asProperty = new RegExp(`\\.${name}\\b|\\b${name}\\??\\s*:|^\\s*(?:readonly\\s+|async\\s+)?${name}\\s*[(=]`, 'm');
    for (const [where, code] of Object.entries(sources)) {
      assert.ok(!asProperty.test(code), `${name} is a property in ${where}: drop it from INTERNAL_PROPERTIES`);
    }
  }
});

test('the CDN build keeps the public names (terser mangles only the listed ones)', () => {
  const min = read('dist/authsocket.min.js');
  assert.ok(min.length > 0);
  for (const publicName of ['reauthenticate', 'maxRetries', 'connectionTimeout', 'expiresAt', 'attempt', 'willReconnect', 'heartbeat', 'reconnecting', 'maxFailures']) {
    assert.ok(new RegExp(`\\b${publicName}\\b`).test(min), `${publicName} is public and must not be mangled`);
  }
  // Mangling did happen: the session's `primary` link is a short name now.
  assert.ok(!/\.primary\b/.test(min), 'internal names are mangled');
});

test('the ESM/CJS builds rename the internal names the same way in every chunk, to names no source uses', async () => {
  const { INTERNAL_NAMES } = await import('../../scripts/rollup/mangleInternals.mjs');
  const short = Object.values(INTERNAL_NAMES);
  assert.equal(new Set(short).size, INTERNAL_PROPERTIES.length, 'one short name per internal name');
  const sources = readdirSync(new URL('src/', root), { recursive: true }).map(String).filter((file) => file.endsWith('.ts'));
  for (const file of sources) assert.ok(!/[.\s{,]\$[A-Za-z0-9]/.test(withoutComments(read(`src/${file}`))), `src/${file} uses a $-name`);
  const chunks = readdirSync(new URL('dist/chunks/', root)).filter((file) => /\.c?js$/.test(file));
  const files = [...chunks.map((file) => `dist/chunks/${file}`), 'dist/index.js', 'dist/lite.js', 'dist/index.cjs', 'dist/lite.cjs'];
  const core = files.filter((file) => /\/core-/.test(file));
  assert.equal(core.length, 2, 'an ESM and a CJS core chunk');
  for (const file of files) {
    for (const name of ['primary', 'confirmed', 'featureOption', 'settle']) {
      assert.ok(!new RegExp(`\\.${name}\\b`).test(read(file)), `${file}: .${name} is renamed`);
    }
  }
  // The session's current link, under its fixed short name, in both formats.
  for (const file of core) assert.ok(read(file).includes(`.${INTERNAL_NAMES.primary}`), `${file} reads .${INTERNAL_NAMES.primary}`);
});
