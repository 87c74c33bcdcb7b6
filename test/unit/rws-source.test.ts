// scripts/rollup/rwsSource.mjs strips reconnecting-websocket's debug logging
// and the class members transport.ts never reaches from its TS source, and
// refuses a source whose shape it does not know (an upgrade with a multi-line
// call, a renamed member, a kept member that uses a removed one) instead of
// half-stripping it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { RWS_UNUSED, rwsMembers, stripDebug, stripUnusedMembers } from '../../scripts/rollup/rwsSource.mjs';
import type { Transport as TransportClass, TransportHandlers } from '../../src/core/transport.ts';
import type { AttemptPlan } from '../../src/carriers/carrier.ts';
import { FakeWebSocket, quietFor } from './fake-websocket.ts';

const require = createRequire(import.meta.url);
const sourceFile = require.resolve('reconnecting-websocket/reconnecting-websocket.ts');
const source = readFileSync(sourceFile, 'utf8');
const transportSource = readFileSync(new URL('../../src/core/transport.ts', import.meta.url), 'utf8');
const shipped = () => stripUnusedMembers(stripDebug(source));

test("every this._debug(…) call and the _debug method go; the rest of the source is unchanged", () => {
  const stripped: string = stripDebug(source);
  assert.ok(!stripped.includes('_debug') && !stripped.includes('console.log'));
  const kept = (text: string) => text.split('\n').filter((line) => !/^\s*this\._debug\(/.test(line)).join('\n');
  assert.ok(kept(source).length - stripped.length < 400, 'only the method body besides the call lines');
  for (const line of ['this._connect();', 'private _handleOpen', 'public reconnect(']) assert.ok(stripped.includes(line), line);
});

test('a source of another shape is refused, naming the file', () => {
  const multiLine = source.replace("this._debug('connect', this._retryCount);", "this._debug(\n  'connect',\n  this._retryCount,\n);");
  assert.throws(() => stripDebug(multiLine, 'rws.ts'), /rws\.ts no longer has one _debug method/);
  const noMethod = source.replace('private _debug(...args: any[]) {', 'private _log(...args: any[]) {');
  assert.throws(() => stripDebug(noMethod, 'rws.ts'), /update stripDebug/);
});

test('the unused members go, every other member is kept as it was', () => {
  const before = rwsMembers(stripDebug(source));
  const after = rwsMembers(shipped());
  assert.deepEqual(after.map((member) => member.key), before.map((member) => member.key).filter((key) => !RWS_UNUSED.includes(key)));
  for (const key of ['get retryCount', 'get bufferedAmount', 'get extensions', 'get protocol', 'get readyState', 'get url', 'get binaryType',
    'send', '_messageQueue', 'addEventListener', 'removeEventListener', 'dispatchEvent', 'onopen', 'onclose', 'onmessage', 'onerror',
    'static get OPEN', 'get OPEN', '_listeners', '_callEventListener', '_handleMessage']) {
    assert.ok(before.some((member) => member.key === key) && !after.some((member) => member.key === key), key);
  }
  for (const member of after) {
    if (!['_handleOpen', '_handleError', '_handleClose', '_removeListeners', '_addListeners'].includes(member.key)) {
      assert.ok(before.some((old) => old.key === member.key && old.text.includes(member.text.trim())), `${member.key} is unchanged`);
    }
  }
  const text = shipped();
  assert.doesNotMatch(text, /\bthis\.(on(open|close|message|error)|_listeners|_messageQueue|_callEventListener|_handleMessage|send)\b/);
  assert.doesNotMatch(text, /maxEnqueuedMessages: Infinity|startClosed: false|debug: false/);
  // What stays in the handlers: RWS's own reconnect loop.
  for (const line of ['this._uptimeTimeout = setTimeout(() => this._acceptOpen(), minUptime);', "this._ws.addEventListener('close', this._handleClose);", 'static get CLOSED()', 'set binaryType(']) {
    assert.ok(text.includes(line), line);
  }
});

test('a source whose members or dead lines have another shape is refused, naming the file', () => {
  const base = stripDebug(source);
  const cases: Array<[string, string, RegExp]> = [
    // An upgrade renames a member: nothing to remove under the old name.
    ['    get retryCount(): number {', '    get retries(): number {', /rws\.ts has 0 class members `get retryCount`, not 1/],
    // A kept member starts to use a removed one.
    ['        this._retryCount = -1;\n', '        this._retryCount = -1;\n        this.send("hello");\n', /rws\.ts still uses the removed this\.send/],
    ['            this._connect();\n        } else {', '            this._connect();\n        } else if (this.readyState) {', /still uses the removed this\.readyState/],
    // A dead line written another way.
    ['        if (this.onopen) {\n            this.onopen(event);\n        }\n', '        this.onopen?.(event);\n', /has 0 times, not 1, the dead line\(s\) "if \(this\.onopen\)/],
    ['        this._messageQueue = [];\n', '        this._messageQueue.length = 0;\n', /the dead line\(s\) "this\._messageQueue = \[\];"/],
    // A line in the class body that is no member.
    ['    get CLOSED() {', '    // constants\n    get CLOSED() {', /rws\.ts line "    \/\/ constants" is no class member/],
    ['export default class ReconnectingWebSocket {', 'export class ReconnectingWebSocket {', /no longer has one `export default class ReconnectingWebSocket/],
  ];
  for (const [from, to, error] of cases) {
    assert.ok(base.includes(from), from);
    assert.throws(() => stripUnusedMembers(base.replace(from, to), 'rws.ts'), error, to);
  }
});

test('transport.ts uses only members that stay, and no alias of its RWS instance', () => {
  const kept = new Set(rwsMembers(shipped()).map((member) => member.key));
  const uses = [...transportSource.matchAll(/this\.#rws\.(\w+)(\s*=(?!=)|\s*\()?/g)];
  assert.ok(uses.length >= 3, 'transport.ts uses this.#rws');
  for (const [use, name, how] of uses) {
    const key = how === undefined ? `get ${name}` : how.includes('(') ? name : `set ${name}`;
    assert.ok(kept.has(key), `transport.ts's \`${use.trim()}\` needs \`${key}\`, which scripts/rollup/rwsSource.mjs strips (RWS_UNUSED)`);
  }
  // `#rws` only as declared, assigned once, and used as above: an alias would hide a use.
  const all = transportSource.match(/#rws\b/g)!.length;
  assert.equal(all, uses.length + 2, 'every #rws is `readonly #rws:`, `this.#rws = new`, or a this.#rws.name use');
  assert.match(transportSource, /readonly #rws: ReconnectingWebSocket;/);
  assert.match(transportSource, /this\.#rws = new ReconnectingWebSocket\(/);
  // The class itself: imported, typed, constructed, nothing else (no static, no prototype).
  assert.equal(transportSource.match(/\bReconnectingWebSocket\b/g)!.length, 3);
});

/** transport.ts bundled by esbuild with `rws` as reconnecting-websocket's source. */
async function transportWith(rws: string): Promise<typeof TransportClass> {
  const result = await build({
    entryPoints: [new URL('../../src/core/transport.ts', import.meta.url).pathname],
    bundle: true, write: false, format: 'esm', target: 'es2022', platform: 'neutral', logLevel: 'silent',
    plugins: [{
      name: 'rws',
      setup(b) {
        b.onResolve({ filter: /^reconnecting-websocket$/ }, () => ({ path: sourceFile, namespace: 'rws' }));
        b.onLoad({ filter: /.*/, namespace: 'rws' }, () => ({ contents: rws, loader: 'ts', resolveDir: dirname(sourceFile) }));
      },
    }],
  });
  const module = await import(`data:text/javascript,${encodeURIComponent(result.outputFiles[0]!.text)}`);
  return module.Transport;
}

/** Drives a Transport through open → message → drop → server close → failure → stop; returns what it and its sockets did. */
async function drive(Transport: typeof TransportClass): Promise<unknown[]> {
  FakeWebSocket.reset();
  const log: unknown[] = [];
  let attempts = 0;
  const handlers: TransportHandlers = {
    nextAttempt: async (): Promise<AttemptPlan> => ({ url: `wss://example.test/ws?a=${++attempts}`, protocols: ['p1'] }),
    onOpen: () => log.push('open'),
    onMessage: (data) => log.push(['message', data]),
    onEnd: (ending) => log.push(['end', ending]),
  };
  const transport = new Transport(handlers, { WebSocket: FakeWebSocket, connectionTimeout: 1000 });
  const first = await FakeWebSocket.nth(0);
  first.open();
  first.receive('hello');
  log.push(['sent', transport.send('frame')]);
  transport.drop(4000, 'dropped');
  const second = await FakeWebSocket.nth(1);
  second.open();
  second.serverClose(1011, 'server error');
  const third = await FakeWebSocket.nth(2);
  third.fail();
  const fourth = await FakeWebSocket.nth(3);
  transport.stop(1000, 'bye');
  await quietFor(30); // no attempt, event or timer follows a stop
  log.push(['attempts', attempts]);
  for (const socket of FakeWebSocket.instances) {
    log.push({ url: socket.url, protocols: socket.protocols, binaryType: socket.binaryType, sent: socket.sent, closeCalls: socket.closeCalls,
      listeners: ['open', 'close', 'error'].map((type) => socket.listenerCount(type)) });
  }
  assert.equal(fourth, FakeWebSocket.last);
  return log;
}

test('transport.ts on the stripped class behaves exactly as on the whole one: connect, open, message, reconnect, close', async () => {
  const whole = await drive(await transportWith(stripDebug(source)));
  const stripped = await drive(await transportWith(shipped()));
  assert.deepEqual(stripped, whole);
  // And that is the behaviour transport.ts promises.
  assert.deepEqual(stripped.slice(0, 9), [
    'open', ['message', 'hello'], ['sent', true],
    ['end', { code: 4000, reason: 'dropped', wasClean: false, opened: true, local: true }],
    'open', ['end', { code: 1011, reason: 'server error', wasClean: true, opened: true, local: false }],
    ['end', { code: 1006, reason: '', wasClean: false, opened: false, local: false }],
    ['attempts', 4],
    { url: 'wss://example.test/ws?a=1', protocols: ['p1'], binaryType: 'arraybuffer', sent: ['frame'], closeCalls: [{ code: 4000, reason: 'dropped' }], listeners: [1, 1, 1] },
  ]);
  assert.deepEqual(stripped.at(-1), { url: 'wss://example.test/ws?a=4', protocols: ['p1'], binaryType: 'arraybuffer', sent: [], closeCalls: [{ code: 1000, reason: 'bye' }], listeners: [2, 2, 2] });
});
