// The whole repository type-checks: src, tests, scripts, demo, examples.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

const root = new URL('../..', import.meta.url).pathname;

test('tsc --noEmit over the repository reports nothing', async () => {
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], { cwd: root })
    .then(() => ({ code: 0, stdout: '' }), (error: { code: number; stdout: string }) => error);
  assert.equal(result.code, 0, result.stdout);
});
