// CI's size budget: the CDN build (dist/authsocket.min.js, the IIFE with every
// dependency inlined) must stay within scripts/size-budget.mjs's BUDGET,
// min+gzip -9. The suite runs after `npm run build`, so dist/ is fresh here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/size-budget.mjs', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

test('dist/authsocket.min.js is within the size budget (min+gzip -9)', () => {
  const result = run();
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`.trim());
  assert.match(result.stdout, /^size-budget: ok, .*authsocket\.min\.js: \d+ B min\+gzip -9, budget \d+ B/);
});

test('the check fails with exit 1 and one line when over budget', () => {
  const result = run('--budget=100');
  assert.equal(result.status, 1);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^size-budget: FAIL: over budget by \d+ B/);
});

test('the check fails when the file is missing (build not run)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'size-budget-'));
  try {
    const result = run(`--file=${join(dir, 'missing.js')}`);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^size-budget: FAIL: cannot read/);
    writeFileSync(join(dir, 'tiny.js'), 'var a=1;');
    assert.equal(run(`--file=${join(dir, 'tiny.js')}`, '--budget=500').status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
