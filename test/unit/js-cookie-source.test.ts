// scripts/rollup/jsCookieSource.mjs loads js-cookie into the CDN build without
// the API src/carriers/cookie.ts never calls (`get`, `converter.read`,
// `withAttributes`, `withConverter`), refuses a js-cookie of another shape (an
// upgrade) instead of half-stripping it, and leaves `set`/`remove` writing
// exactly the cookies js-cookie's own do.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup, type Plugin } from 'rollup';
import { jsCookieFile, jsCookieSource, stripUnusedApi } from '../../scripts/rollup/jsCookieSource.mjs';

const { file } = jsCookieFile();
const source = readFileSync(file, 'utf8');
const root = new URL('../../', import.meta.url);
const cookieSource = readFileSync(new URL('src/carriers/cookie.ts', root), 'utf8');

type CookiesApi = {
  set(name: string, value: string, attributes?: Record<string, unknown>): string | undefined;
  remove(name: string, attributes?: Record<string, unknown>): void;
  converter: { write(value: string, name: string): string };
  attributes: Record<string, unknown>;
};
/** Evaluates a js-cookie ESM source as its own module; returns its default export. */
const evaluate = async (code: string): Promise<CookiesApi> =>
  (await import(`data:text/javascript,${encodeURIComponent(code)}`)).default;

/** The API's shape: the prototype's members, the object's own properties, the converter's functions. */
const shapeOf = (api: CookiesApi) => ({
  members: Object.keys(Object.getPrototypeOf(api)),
  own: Object.getOwnPropertyNames(api),
  converter: Object.keys(api.converter),
});

test("the CDN build's resolver (node-resolve, browser: true) picks the file the plugin strips, and the plugin strips it there", async () => {
  const loaded: Record<string, string> = {};
  const entry: Plugin = {
    name: 'entry',
    resolveId: (id) => (id === 'entry' ? id : null),
    load: (id) => (id === 'entry' ? "import Cookies from 'js-cookie'; export default Cookies;" : null),
  };
  const spy: Plugin = { name: 'spy', transform(code, id) { loaded[id] = code; return null; } };
  const bundle = await rollup({ input: 'entry', plugins: [entry, jsCookieSource(), nodeResolve({ browser: true }), spy], logLevel: 'silent' });
  await bundle.close();
  assert.deepEqual(Object.keys(loaded).filter((id) => id !== 'entry'), [file]);
  assert.equal(loaded[file], stripUnusedApi(source, file));
  assert.match(file, /\/node_modules\/js-cookie\/dist\/js\.cookie\.mjs$/, 'the id the licences plugin maps to js-cookie');
});

test('another js-cookie file reaching the build (its UMD `browser` file, say) fails it instead of shipping whole', async () => {
  const umd = join(file, '..', 'js.cookie.js');
  const entry: Plugin = {
    name: 'entry',
    resolveId: (id) => (id === 'entry' ? id : id === 'js-cookie' ? umd : null),
    load: (id) => (id === 'entry' ? "import Cookies from 'js-cookie'; export default Cookies;" : null),
  };
  await assert.rejects(rollup({ input: 'entry', plugins: [entry, jsCookieSource()], logLevel: 'silent' }),
    (error: Error) => error.message.includes(`jsCookieSource: the build loads ${umd}, not ${file}`));
});

test('get, converter.read, withAttributes and withConverter go; the rest of the source is unchanged', async () => {
  const stripped = stripUnusedApi(source);
  // The pieces removed, found here on their own: each once, and nothing else is gone.
  const removed = [
    /\n  read: function \(value\) \{\n[\s\S]*?\n  \},\n/,
    /\n  function get\(name\) \{\n[\s\S]*?\n  \}\n\n/,
    /\n      get: get,\n/,
    /\n      withAttributes: function \(attributes\) \{\n[\s\S]*?\n      \},\n/,
    /\n      withConverter: function \(converter\) \{\n[\s\S]*?\n      \}\n/,
  ].map((piece) => piece.exec(source)![0].slice(1));
  assert.equal(source.length - stripped.length, removed.reduce((sum, piece) => sum + piece.length, 0));
  let rest = source;
  for (const piece of removed) rest = rest.replace(piece, '');
  assert.equal(rest, stripped);
  assert.doesNotMatch(stripped, /\b(get|read|withAttributes|withConverter)\b/);
  // What cookie.ts needs stays as js-cookie has it.
  assert.ok(stripped.startsWith('/*! js-cookie v3.0.8 | MIT */\n'), 'the banner');
  for (const kept of [
    /\n  function set\(name, value, attributes\) \{\n[\s\S]*?\n  \}\n/,
    /\n      remove: function \(name, attributes\) \{\n[\s\S]*?\n      \},\n/,
    /\n  write: function \(value\) \{\n[\s\S]*?\n  \}\n/,
    /\n      attributes: \{ value: Object\.freeze\(defaultAttributes\) \},\n      converter: \{ value: Object\.freeze\(converter\) \}\n/,
    /\nvar api = init\(defaultConverter, \{ path: '\/' \}\);\n/,
  ]) {
    assert.ok(stripped.includes(kept.exec(source)![0]), String(kept));
  }
  // The API objects as they come out.
  assert.deepEqual(shapeOf(await evaluate(source)), {
    members: ['set', 'get', 'remove', 'withAttributes', 'withConverter'], own: ['attributes', 'converter'], converter: ['read', 'write'],
  });
  const api = await evaluate(stripped);
  assert.deepEqual(shapeOf(api), { members: ['set', 'remove'], own: ['attributes', 'converter'], converter: ['write'] });
  assert.deepEqual(api.attributes, { path: '/' });
  assert.ok(Object.isFrozen(api.attributes) && Object.isFrozen(api.converter));
});

test('a js-cookie of another shape is refused, naming the file', () => {
  const cases: Array<[string, string, RegExp]> = [
    // An upgrade changes a removed member's signature: nothing to remove under the old line.
    ['  function get(name) {\n', '  function get(name, options) {\n', /^Error: jsCookieSource: jsc\.mjs has 0 times, not 1, the line "function get\(name\) \{"; update stripUnusedApi\(\)$/],
    // A kept member starts to use a removed one.
    ["          '',\n", "          get(name) || '',\n", /jsc\.mjs still mentions the removed get .*; update stripUnusedApi\(\)$/],
    ['    return (document.cookie =\n', '    this.withAttributes({});\n    return (document.cookie =\n', /still mentions the removed withAttributes/],
    // A removed block of another layout: its closing line is not where the head's indent says.
    ['        return init(assign({}, this.converter, converter), this.attributes)\n      }\n',
      '        return init(assign({}, this.converter, converter), this.attributes)\n    }\n',
      /jsc\.mjs has "    }" inside the block of "withConverter: function \(converter\) \{"; update stripUnusedApi\(\)/],
    // A second copy of a removed line.
    ['      get: get,\n', '      get: get,\n      get: get,\n', /has 2 times, not 1, the line "get: get,"/],
  ];
  for (const [from, to, error] of cases) {
    assert.equal(source.split(from).length, 2, from);
    assert.throws(() => stripUnusedApi(source.replace(from, to), 'jsc.mjs'), error, to);
  }
});

/** Every `.ts` file under `dir`. */
const sources = (dir: URL): string[] => readdirSync(dir).flatMap((name) => {
  const path = new URL(name, dir);
  return statSync(path).isDirectory() ? sources(new URL(`${name}/`, dir)) : name.endsWith('.ts') ? [path.pathname] : [];
});

test('src/carriers/cookie.ts, the only importer of js-cookie, uses only what stays, and no alias of Cookies', async () => {
  const importers = sources(new URL('src/', root)).filter((path) => /from ['"]js-cookie['"]|import\(['"]js-cookie['"]\)|require\(['"]js-cookie['"]\)/.test(readFileSync(path, 'utf8')));
  assert.deepEqual(importers, [new URL('src/carriers/cookie.ts', root).pathname]);
  const kept = shapeOf(await evaluate(stripUnusedApi(source)));
  const uses = [...cookieSource.matchAll(/\bCookies\.(\w+)(?:\.(\w+))?/g)];
  assert.ok(uses.length >= 3, 'cookie.ts uses Cookies.set, Cookies.remove, Cookies.converter.write');
  for (const [use, name, sub] of uses) {
    if (name === 'converter') assert.ok(sub !== undefined && kept.converter.includes(sub), `cookie.ts's \`${use}\` needs what scripts/rollup/jsCookieSource.mjs strips`);
    else assert.ok([...kept.members, ...kept.own].includes(name!) && sub === undefined, `cookie.ts's \`${use}\` needs what scripts/rollup/jsCookieSource.mjs strips`);
  }
  // `Cookies` only as imported and as `Cookies.name` above: passed, destructured or aliased, it would hide a use.
  assert.equal(cookieSource.match(/\bCookies\b/g)!.length, uses.length + 1);
  assert.match(cookieSource, /^import Cookies from 'js-cookie';$/m);
});

/** Calls `set`/`remove` of `api` as `calls` says, with `document.cookie` recording and Date.now fixed; returns the writes and results. */
function drive(api: CookiesApi, calls: ReadonlyArray<readonly [string, ...unknown[]]>) {
  const page = globalThis as { document?: unknown };
  const writes: string[] = [];
  const realNow = Date.now;
  page.document = { get cookie() { return 'ws_token=old; other=x'; }, set cookie(text: string) { writes.push(text); } };
  Date.now = () => Date.UTC(2026, 11, 2, 4, 30, 0);
  try {
    const results = calls.map(([method, ...args]) => (method === 'write'
      ? api.converter.write(args[0] as string, args[1] as string)
      : (api as any)[method](...args)));
    return { writes, results };
  } finally {
    Date.now = realNow;
    delete page.document;
  }
}

test('the stripped set and remove write exactly what js-cookie writes', async () => {
  const odd = 'a b;c,d"e%f\\g+h=i/j?k&l€😀\u00e9()<>@[]{}';
  // Fresh attribute objects per run: js-cookie must not depend on or change them between runs.
  const calls = () => [
    ['set', 'ws_token', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ['set', 'ws_token', 'tok', { path: '/', domain: undefined, sameSite: 'Strict', secure: false }],
    ['set', 'ws_token', odd, { path: '/', domain: 'example.test', sameSite: 'None', secure: true }],
    ['set', `odd ${odd}`, 'v', { path: '/ws', sameSite: 'Lax', secure: true }],
    ['set', 'n', 'v', { expires: 7 }],
    ['set', 'n', 'v', { expires: 0.5, path: '/a;b', domain: '.example.test' }],
    ['set', 'n', 'v', { expires: new Date(Date.UTC(2030, 0, 1)), partitioned: true, secure: true }],
    ['set', 'n', '', { path: '' }],
    ['remove', 'ws_token'],
    ['remove', 'ws_token', { path: '/', domain: 'example.test' }],
    ['remove', odd, { path: '/ws', domain: undefined, expires: 30 }],
    ['write', odd, 'ws_token'],
    ['write', 'plain-token_123', 'n'],
  ] as const;
  const whole = drive(await evaluate(source), calls());
  const stripped = drive(await evaluate(stripUnusedApi(source)), calls());
  assert.deepEqual(stripped, whole);
  assert.equal(whole.writes.length, 11);
  // And those are the cookies cookie.ts means to write and remove.
  assert.deepEqual(whole.writes.slice(0, 3), [
    'ws_token=eyJhbGciOiJIUzI1NiJ9.e30.sig; path=/',
    'ws_token=tok; path=/; sameSite=Strict',
    'ws_token=a%20b%3Bc%2Cd%22e%25f%5Cg+h=i/j?k&l%E2%82%AC%F0%9F%98%80%C3%A9()<>@[]{}; path=/; domain=example.test; sameSite=None; secure',
  ]);
  assert.equal(whole.writes[4], 'n=v; path=/; expires=Wed, 09 Dec 2026 04:30:00 GMT');
  assert.equal(whole.writes[8], 'ws_token=; path=/; expires=Tue, 01 Dec 2026 04:30:00 GMT');
});

test('the CDN build ships js-cookie stripped, with its licence', () => {
  const min = readFileSync(new URL('dist/authsocket.min.js', root), 'utf8');
  assert.doesNotMatch(min, /withAttributes|withConverter/);
  assert.match(readFileSync(new URL('dist/authsocket.min.js.LICENSE.txt', root), 'utf8'), /^js-cookie 3\.0\.8 \(MIT\)/m);
});
