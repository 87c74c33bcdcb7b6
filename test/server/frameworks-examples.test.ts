// examples/frameworks stay true: they type-check against the package's source
// and the frameworks' own types (the same wiring test/server/frameworks-apps.ts runs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('tsc type-checks examples/frameworks', () => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'examples/frameworks/tsconfig.json'], { cwd: root, encoding: 'utf8', timeout: 110_000 });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});
