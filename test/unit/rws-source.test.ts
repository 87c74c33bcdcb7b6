// scripts/rollup/rwsSource.mjs strips reconnecting-websocket's debug logging
// from its TS source, and refuses a source whose shape it does not know (an
// upgrade with a multi-line call) instead of half-stripping it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { stripDebug } from '../../scripts/rollup/rwsSource.mjs';

const require = createRequire(import.meta.url);
const source = readFileSync(require.resolve('reconnecting-websocket/reconnecting-websocket.ts'), 'utf8');

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
