// examples/runtimes stay true: they type-check against the built types of
// authsocket/server/{bun,deno,workers} without Node's types (the runtimes'
// own globals are stood in for by examples/runtimes/runtime-globals.d.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { root } from './runtimes/harness.ts';

test('tsc type-checks examples/runtimes against dist/server/*.d.ts', () => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'examples/runtimes/tsconfig.json'], { cwd: root, encoding: 'utf8', timeout: 110_000 });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});
