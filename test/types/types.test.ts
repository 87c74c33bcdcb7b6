// Runs the type tests in usage.ts through tsc so they count in the suite, and
// proves each `@ts-expect-error` guards a real error: with the directives
// blanked out, tsc must report errors on exactly the lines below them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import DefaultExport, { AuthSocket } from '../../src/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// The project's own tsc (what `npx tsc` runs), started with this node directly.
const tscBin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const DIRECTIVE = /^\s*\/\/ @ts-expect-error\b/;

function tsc(project: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tscBin, '--noEmit', '--pretty', 'false', '-p', project], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

/** tsc over a copy of usage.ts with the directive lines blanked (numbering kept) in .tmp/run-<pid>/. */
async function checkStripped(source: string): Promise<{ code: number; output: string }> {
  const stripped = source
    .split('\n')
    .map((line) => (DIRECTIVE.test(line) ? '' : line))
    .join('\n')
    .replaceAll("'../../src/", "'../../../../src/");
  const tmp = join(here, '.tmp', `run-${process.pid}`);
  await mkdir(tmp, { recursive: true });
  try {
    await writeFile(join(tmp, 'usage.ts'), stripped);
    // Extends test/types/tsconfig.json, checking only the stripped copy (and what it imports).
    await writeFile(join(tmp, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['usage.ts'], exclude: [] }));
    return await tsc(join(tmp, 'tsconfig.json'));
  } finally {
    // Never leave the copy behind (the root tsconfig excludes .tmp, but a stray copy still confuses people).
    await rm(tmp, { recursive: true, force: true });
    await rmdir(join(here, '.tmp')).catch(() => {}); // only when empty (another run may be using it)
  }
}

// Both compilations start now and run side by side; the tests await them.
const source = await readFile(join(here, 'usage.ts'), 'utf8');
const plainRun = tsc('test/types/tsconfig.json');
const strippedRun = checkStripped(source);

test('usage.ts type-checks: positive checks hold and every @ts-expect-error is used', async () => {
  const { code, output } = await plainRun;
  assert.equal(code, 0, output);
});

test('without the directives, tsc fails on exactly the lines they guarded', async () => {
  const guarded = source.split('\n').flatMap((line, index) => (DIRECTIVE.test(line) ? [index + 2] : []));
  assert.ok(guarded.length >= 4, `expected at least 4 directives, found ${guarded.length}`);
  const { code, output } = await strippedRun;
  assert.notEqual(code, 0, 'tsc should fail without the directives');
  const errors = [...output.matchAll(/^(.*?)\((\d+),\d+\): error (TS\d+)/gm)];
  assert.ok(errors.length > 0, output);
  for (const [, file] of errors) assert.match(file!, /\.tmp[\\/]run-\d+[\\/]usage\.ts$/, `an error outside the stripped copy:\n${output}`);
  const lines = [...new Set(errors.map(([, , line]) => Number(line)))].sort((a, b) => a - b);
  assert.deepEqual(lines, guarded, output);
});

test("authsocket/lite: a carrier's name in auth.via is an error that says what to import", async () => {
  const { output } = await strippedRun;
  const line = source.split('\n').findIndex((text) => text.includes('export const liteByName')) + 1;
  const error = output.split('\n').find((text) => text.includes(`usage.ts(${line},`));
  assert.ok(error, output);
  assert.match(error, /import \{ subprotocol \}.* from 'authsocket\/lite' and pass via: subprotocol/);
});

test('at runtime, the default export is the named AuthSocket', () => {
  assert.equal(DefaultExport, AuthSocket);
});
