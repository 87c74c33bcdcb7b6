// Rollup plugin for the CDN build (dist/authsocket.min.js), the one build that
// inlines js-cookie: it loads js-cookie's ESM file without the API that
// src/carriers/cookie.ts never calls. js-cookie returns its API as one object
// (`Object.create({ set, get, remove, withAttributes, withConverter }, …)`), so
// a minifier cannot drop an unused member: every CDN bundle shipped the cookie
// jar parser (`get`), `converter.read` (which only `get` calls) and
// `withAttributes`/`withConverter`. cookie.ts uses `Cookies.set`,
// `Cookies.remove` and `Cookies.converter.write` only; those, `attributes` and
// `converter` stay byte for byte. test/unit/js-cookie-source.test.ts checks that
// cookie.ts uses kept members only, and that the stripped `set`/`remove` write
// the same `document.cookie` strings as js-cookie's own.
// - Each removal is matched exactly (its first line, its closing line at the
//   same indent, nothing shallower in between, found once), and what is left
//   must not name a removed member: a js-cookie of another shape (an upgrade)
//   fails the build here instead of being half-stripped.
// - The ESM/CJS builds keep `import Cookies from 'js-cookie'` (an app's bundler
//   resolves and dedupes it): this plugin is not in them.
// - The module keeps its id (the file under node_modules/js-cookie/), so the
//   licences plugin (scripts/rollup/licenses.mjs) still finds the package, and
//   its `/*! js-cookie v… | MIT */` banner stays.
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { readFile } from 'node:fs/promises';
import { editFailure, escapeRegExp, occurrences } from './exactEdit.mjs';

const require = createRequire(import.meta.url);

/**
 * js-cookie's members that cookie.ts never reaches: `name` as js-cookie's
 * source spells it, and `head`, the first line of each piece removed with it
 * (a block runs from its head to the first line with the head's indent and `}`).
 */
export const JS_COOKIE_UNUSED = [
  // `converter.read`: defaultConverter's `read`; only `get` calls it.
  { name: 'read', head: '  read: function (value) {\n' },
  // `get`: the cookie jar parser, and its entry in the API object.
  { name: 'get', head: '  function get(name) {\n' },
  { name: 'get', head: '      get: get,\n' },
  // `withAttributes`, `withConverter`: the API's two factories (they call init() again).
  { name: 'withAttributes', head: '      withAttributes: function (attributes) {\n' },
  { name: 'withConverter', head: '      withConverter: function (converter) {\n' },
];

/** The members cookie.ts uses (`converter.write` as `write`), and the API object's two properties. */
export const JS_COOKIE_KEPT = ['set', 'remove', 'write', 'attributes', 'converter'];


/**
 * Where the piece that `head` starts lies in `source`: the line itself when it
 * ends with `,` (a one-line member), else the block up to its closing `}`/`},`
 * line at the head's indent (and the blank line after a function declaration).
 * The last member of an object leaves a `,` on the one before it: valid, and
 * terser drops it. Throws through `fail` when the block has no such end, or a
 * line in between is not deeper than the head.
 */
function pieceAt(source, head, fail) {
  const start = source.indexOf(head);
  if (head.endsWith(',\n')) return { start, end: start + head.length };
  const indent = /^ */.exec(head)[0];
  const declaration = /^ *function /.test(head);
  let end = start + head.length;
  for (const line of source.slice(end).split('\n')) {
    end += line.length + 1;
    if (line === `${indent}}` || line === `${indent}},`) {
      if (declaration && source[end] === '\n') end += 1;
      return { start, end };
    }
    if (line !== '' && !line.startsWith(`${indent} `)) fail(`has ${JSON.stringify(line)} inside the block of ${JSON.stringify(head.trim())}`);
  }
  return fail(`has no closing \`${indent}}\` for ${JSON.stringify(head.trim())}`);
}

/**
 * js-cookie's ESM source without JS_COOKIE_UNUSED. Throws when a piece is not
 * found exactly once or has another shape, or when what is left still names a
 * removed member, so that nothing is half-removed.
 */
export function stripUnusedApi(source, file = 'js.cookie.mjs') {
  const fail = editFailure('jsCookieSource', file, 'stripUnusedApi');
  let stripped = source;
  for (const { head } of JS_COOKIE_UNUSED) {
    const found = occurrences(stripped, head);
    if (found !== 1) fail(`has ${found} times, not 1, the line ${JSON.stringify(head.trim())}`);
    const { start, end } = pieceAt(stripped, head, fail);
    stripped = stripped.slice(0, start) + stripped.slice(end);
  }
  // Any mention of a removed name in what is left: a call, a property, a comment.
  const names = [...new Set(JS_COOKIE_UNUSED.map(({ name }) => name))];
  const left = new RegExp(`\\b(?:${names.map(escapeRegExp).join('|')})\\b`).exec(stripped);
  if (left) fail(`still mentions the removed ${left[0]} (…${JSON.stringify(stripped.slice(Math.max(0, left.index - 30), left.index + 30))}…)`);
  for (const name of JS_COOKIE_KEPT) {
    if (!new RegExp(`\\b${escapeRegExp(name)}\\b`).test(stripped)) fail(`has no ${name} left`);
  }
  return stripped;
}

/** js-cookie's ESM file, the one `@rollup/plugin-node-resolve` picks (package.json `exports` → `import`). */
export function jsCookieFile() {
  const dir = dirname(require.resolve('js-cookie/package.json'));
  const entry = require('js-cookie/package.json').exports?.['.']?.import;
  if (typeof entry !== 'string') throw new Error(`jsCookieSource: ${dir}/package.json has no exports['.'].import; update jsCookieFile()`);
  return { dir, file: join(dir, entry) };
}

export function jsCookieSource() {
  const { dir, file } = jsCookieFile();
  let loaded = false;
  return {
    name: 'authsocket-js-cookie-source',
    buildStart() {
      loaded = false;
    },
    async load(id) {
      if (id === file) {
        loaded = true;
        return { code: stripUnusedApi(await readFile(id, 'utf8'), id), map: null };
      }
      // Another js-cookie file (its `browser` UMD build, say) would ship whole.
      if (id.startsWith(`${dir}${sep}`)) this.error(`jsCookieSource: the build loads ${id}, not ${file}; resolve js-cookie to its ESM file or update jsCookieSource()`);
      return null;
    },
    buildEnd(error) {
      if (!error && !loaded && this.getModuleIds) {
        for (const id of this.getModuleIds()) {
          if (id.includes(`${sep}node_modules${sep}js-cookie${sep}`)) this.error(`jsCookieSource: js-cookie was bundled as ${id} without passing through jsCookieSource()`);
        }
      }
    },
  };
}
