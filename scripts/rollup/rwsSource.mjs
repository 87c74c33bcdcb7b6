// Rollup plugin: bundle reconnecting-websocket (RWS) from the TypeScript source
// its package ships (reconnecting-websocket.ts, events.ts) instead of its ES5
// dist file. The dist file carries tslib's helpers (__extends, __values,
// __read, __spread) and tslib's Apache-2.0 header; compiled to ES2022 by
// esbuild the same class needs neither. Used by every browser build: the CDN
// IIFE, and the ESM/CJS builds, where RWS lands in a chunk of its own (no
// `import 'reconnecting-websocket'` is left in dist/).
//
// - RWS's `this._debug(...)` lines go: they log only with RWS's own `debug`
//   option, which transport.ts never passes (and users cannot reach RWS's options).
// - The class members transport.ts never reaches go too (stripUnusedMembers):
//   a minifier cannot drop class members, so every bundle shipped them. Only
//   transport.ts imports RWS, and it calls the constructor, `reconnect()`,
//   `close()` and the `binaryType` setter. Gone: the readyState constants but
//   CLOSED (which close/reconnect read), the getters (binaryType's too),
//   `send()` with its message queue (transport.ts sends on the socket itself),
//   the event API (`on*` fields, `addEventListener`, `removeEventListener`,
//   `dispatchEvent`, the listener lists) and the then-empty `message` handler,
//   and the DEFAULT entries nothing reads. What remains behaves as before for
//   those four. test/unit/rws-source.test.ts checks that transport.ts uses kept
//   members only, and a source of another shape (an RWS upgrade) throws here.
// - `mangleProps: true` (the ESM/CJS builds) renames RWS's `_camelCase` private
//   members to short names with esbuild, which leaves every other name and the
//   layout alone: the dist stays readable, and an app's minifier (which never
//   renames properties) gets short names anyway. The CDN build leaves this to
//   terser (scripts/rollup/minify.mjs), which renames them across the bundle.
//   Safe: only transport.ts imports RWS, and it uses RWS's public API only.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { transform } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { editFailure, escapeRegExp, occurrences } from './exactEdit.mjs';

const require = createRequire(import.meta.url);

/** RWS's private members: `_camelCase` (TS `private`), never `__proto__`. */
export const RWS_PRIVATE = /^_[a-z]/i;

/**
 * Drops RWS's debug logging: every `this._debug(…);` line and the `_debug`
 * method. Throws when the source no longer has exactly that shape (an RWS
 * upgrade), so that nothing is half-removed.
 */
export function stripDebug(source, file = 'reconnecting-websocket.ts') {
  const method = /\n {4}private _debug\(\.\.\.args: any\[\]\) \{\n[\s\S]*?\n {4}\}\n/g;
  const call = /^[ \t]*this\._debug\(.*\);[ \t]*\n/gm;
  const calls = source.match(call)?.length ?? 0;
  const methods = source.match(method)?.length ?? 0;
  const stripped = source.replace(method, '\n').replace(call, '');
  if (methods !== 1 || calls === 0 || stripped.includes('_debug')) {
    throw new Error(`rwsSource: ${file} no longer has one _debug method and one-line this._debug(…) calls; update stripDebug()`);
  }
  return stripped;
}

/**
 * The members of RWS's class, in order: `key` is the name with its `static`,
 * `get`, `set` modifiers (`static get OPEN`, `set binaryType`, `send`), `text`
 * the member's lines with its doc comment. Throws on a line it cannot place.
 */
export function rwsMembers(source, file = 'reconnecting-websocket.ts') {
  const head = 'export default class ReconnectingWebSocket {\n';
  const start = source.indexOf(head);
  const end = source.lastIndexOf('\n}\n');
  if (start < 0 || source.indexOf(head, start + 1) >= 0 || end < start) {
    throw new Error(`rwsSource: ${file} no longer has one \`export default class ReconnectingWebSocket {…}\`; update rwsMembers()`);
  }
  const lines = source.slice(start + head.length, end + 1).split('\n').slice(0, -1);
  const members = [];
  let pending = []; // blank lines and a doc comment go with the member that follows
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' || /^ {4}\/\*\*/.test(line) || (pending.some((l) => /^ {4}\/\*\*/.test(l)) && !pending.some((l) => /\*\/$/.test(l)))) {
      pending.push(line);
      continue;
    }
    const head = /^ {4}((?:(?:public|private|protected|readonly|static|get|set) +)*)(\w+)[\s\S]*$/.exec(line);
    if (!head || /^ {5}/.test(line)) throw new Error(`rwsSource: ${file} line ${JSON.stringify(line)} is no class member rwsMembers() knows; update it`);
    const body = [line];
    if (!line.endsWith(';')) {
      while (++i < lines.length && !/^ {4}\};?$/.test(lines[i])) body.push(lines[i]);
      if (i === lines.length) throw new Error(`rwsSource: ${file} member ${JSON.stringify(line)} has no closing \`    }\`; update rwsMembers()`);
      body.push(lines[i]);
    }
    const modifiers = head[1].split(' ').filter((word) => ['static', 'get', 'set'].includes(word));
    members.push({ key: [...modifiers, head[2]].join(' '), text: [...pending, ...body].map((l) => `${l}\n`).join('') });
    pending = [];
  }
  return members;
}

/** RWS's class members that transport.ts never reaches, directly or through RWS's own calls. */
export const RWS_UNUSED = [
  'static get CONNECTING', 'static get OPEN', 'static get CLOSING',
  'get CONNECTING', 'get OPEN', 'get CLOSING',
  'get binaryType', 'get retryCount', 'get bufferedAmount', 'get extensions', 'get protocol', 'get readyState', 'get url',
  'onclose', 'onerror', 'onmessage', 'onopen',
  'send', '_messageQueue',
  'addEventListener', 'dispatchEvent', 'removeEventListener', '_listeners', '_callEventListener',
  '_handleMessage',
];

// Code that is dead once those members are gone, exactly as RWS has it, each
// to be found `count` times: a read of a removed `on*` field (always undefined),
// a walk of a removed listener list (always empty), the flush of the removed
// queue (always empty), the (un)registering of the removed no-op `message`
// handler, and DEFAULT entries that nothing reads.
const DEAD = [
  ...['open', 'message', 'error', 'close'].map((type) => ({
    text: `        if (this.on${type}) {\n            this.on${type}(event);\n        }\n`, count: 1,
  })),
  ...['open', 'message', 'error', 'close'].map((type) => ({
    text: `        this._listeners.${type}.forEach(listener => this._callEventListener(event, listener));\n`, count: 1,
  })),
  { text: '        // send enqueued messages (messages sent before websocket open event)\n', count: 1 },
  { text: '        this._messageQueue.forEach(message => this._ws!.send(message));\n', count: 1 },
  { text: '        this._messageQueue = [];\n', count: 1 },
  { text: "        this._ws.removeEventListener('message', this._handleMessage);\n", count: 1 },
  { text: "        this._ws.addEventListener('message', this._handleMessage);\n", count: 1 },
  { text: '    maxEnqueuedMessages: Infinity,\n', count: 1 },
  { text: '    startClosed: false,\n', count: 1 },
  { text: '    debug: false,\n', count: 1 },
];

const names = RWS_UNUSED.map((key) => key.split(' ').at(-1));

/**
 * Drops the RWS_UNUSED class members and the code that only they made live
 * (DEAD). Throws when the source no longer has exactly that shape (an RWS
 * upgrade) or when what remains still names a removed member, so that nothing
 * is half-removed.
 */
export function stripUnusedMembers(source, file = 'reconnecting-websocket.ts') {
  const fail = editFailure('rwsSource', file, 'stripUnusedMembers');
  let stripped = source;
  for (const { text, count } of DEAD) {
    const found = occurrences(stripped, text);
    if (found !== count) fail(`has ${found} times, not ${count}, the dead line(s) ${JSON.stringify(text.trim())}`);
    stripped = stripped.split(text).join('');
  }
  const members = rwsMembers(stripped, file);
  for (const key of RWS_UNUSED) {
    const found = members.filter((member) => member.key === key);
    if (found.length !== 1) fail(`has ${found.length} class members \`${key}\`, not 1`);
    stripped = stripped.replace(found[0].text, '');
  }
  // A use of a removed member anywhere in what is left: `this.x`, `ReconnectingWebSocket.x`, `DEFAULT.x`.
  const use = new RegExp(`\\b(?:this|ReconnectingWebSocket)(?:!)?\\.(?:${names.map(escapeRegExp).join('|')})\\b|\\bDEFAULT\\.(?:maxEnqueuedMessages|startClosed|debug)\\b`);
  const left = use.exec(stripped);
  if (left) fail(`still uses the removed ${left[0]}`);
  return stripped;
}

/** @param {{ mangleProps?: boolean }} [options] */
export function rwsSource({ mangleProps = false } = {}) {
  const dir = dirname(require.resolve('reconnecting-websocket/package.json'));
  const source = join(dir, 'reconnecting-websocket.ts');
  // A version that ships no source falls back to its dist file (tslib and all).
  if (!existsSync(source)) return { name: 'authsocket-rws-source' };
  const inDir = (id) => id.startsWith(`${dir}/`) && id.endsWith('.ts');
  return {
    name: 'authsocket-rws-source',
    resolveId(id, importer) {
      if (id === 'reconnecting-websocket') return source;
      if (importer && inDir(importer) && id.startsWith('./')) return join(dir, `${id.slice(2)}.ts`);
      return null;
    },
    async load(id) {
      if (!inDir(id)) return null;
      let text = await readFile(id, 'utf8');
      if (id === source) text = stripUnusedMembers(stripDebug(text, id), id);
      // Each file is mangled on its own: safe while only the class file has `_` names.
      if (id !== source && mangleProps && /\b_[a-z]/i.test(text)) throw new Error(`rwsSource: ${id} has a _name now; mangle both files with one esbuild mangleCache`);
      const { code, map } = await transform(text, {
        loader: 'ts', target: 'es2022', format: 'esm', sourcefile: id, sourcemap: true,
        ...(mangleProps ? { mangleProps: RWS_PRIVATE } : {}),
      });
      return { code, map };
    },
  };
}
