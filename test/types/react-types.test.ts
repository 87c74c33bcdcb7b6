// Runs the authsocket/react type tests (react-usage.ts) through tsc, and proves
// that each `@ts-expect-error` there guards a real error: with the directives
// removed, tsc reports errors on exactly the lines they stood above.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tscBin = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** tsc over `project`: its exit code and the lines of react-usage.ts it reports errors on. */
function typecheck(project: string): Promise<{ code: number; lines: number[]; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tscBin, '--noEmit', '--pretty', 'false', '-p', project], (error, stdout, stderr) => {
      const output = stdout + stderr;
      const lines = [...output.matchAll(/react-usage\.ts\((\d+),\d+\): error/g)].map((found) => Number(found[1]));
      resolve({ code: error ? Number(error.code ?? 1) : 0, lines: [...new Set(lines)].sort((a, b) => a - b), output });
    });
  });
}

const source = await readFile(join(here, 'react-usage.ts'), 'utf8');
const directive = /^\s*\/\/ @ts-expect-error\b/;
const guarded = source.split('\n').flatMap((line, index) => (directive.test(line) ? [index + 2] : []));

test('react-usage.ts type-checks: the hooks carry In/Out and every @ts-expect-error is used', async () => {
  const { code, output } = await typecheck(join(here, 'react-tsconfig.json'));
  assert.equal(code, 0, output);
});

test('without the directives, tsc fails on exactly the lines they guarded', async () => {
  assert.ok(guarded.length >= 8, `expected at least 8 directives, found ${guarded.length}`);
  // In test/types/.tmp/ (which the root tsconfig excludes), two levels deeper: imports adjusted.
  await mkdir(join(here, '.tmp'), { recursive: true });
  const dir = await mkdtemp(join(here, '.tmp', 'react-'));
  try {
    const stripped = source.split('\n').map((line) => (directive.test(line) ? '' : line)).join('\n').replaceAll("'../../src/", "'../../../../src/");
    await writeFile(join(dir, 'react-usage.ts'), stripped);
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../react-tsconfig.json', include: ['react-usage.ts'], exclude: [] }));
    const { code, lines, output } = await typecheck(join(dir, 'tsconfig.json'));
    assert.notEqual(code, 0);
    assert.deepEqual(lines, guarded, output);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rmdir(join(here, '.tmp')).catch(() => {}); // only when empty (types.test.ts may be using it)
  }
});
