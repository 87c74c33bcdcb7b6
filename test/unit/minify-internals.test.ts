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
    'reconnecting-websocket': withoutComments(dependency('reconnecting-websocket', 'dist/reconnecting-websocket-mjs.js')),
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
