// The skip helper every test that drives an outside program uses
// (test/support/tools.ts), against fake tools in a temp dir.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findTool, requireTool, toolMissing } from '../support/tools.ts';

const dir = mkdtempSync(join(tmpdir(), 'authsocket-tools-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fake(name: string, script: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, mode);
  return path;
}

const ok = fake('fake-ok', 'exit 0');
const failing = fake('fake-failing', 'exit 3');
const notExecutable = fake('fake-plain', 'exit 0', 0o644);

test('a runnable tool: no skip; found by path and by name on PATH', () => {
  assert.equal(toolMissing(ok, 'fake-package'), undefined);
  assert.deepEqual(requireTool(ok, 'fake-package', { ci: false }), {});
  const path = process.env.PATH;
  process.env.PATH = `${dir}:${path}`;
  try {
    assert.equal(findTool('fake-ok'), ok);
    assert.equal(findTool('fake-plain'), undefined);
  } finally {
    process.env.PATH = path;
  }
});

test('absent, not executable, or /dev/null in its place: one line naming the Debian package and how to install it', () => {
  for (const command of [join(dir, 'nowhere'), notExecutable, '/dev/null']) {
    const reason = toolMissing(command, 'fake-package', { what: 'the fake tool' });
    assert.ok(reason, `${command} counts as missing`);
    assert.ok(reason.startsWith('needs the fake tool: '), reason);
    assert.match(reason, /apt-get install fake-package/);
    assert.match(reason, /Debian package fake-package/);
    assert.doesNotMatch(reason, /\n/);
    assert.deepEqual(requireTool(command, 'fake-package', { what: 'the fake tool', ci: false }), { skip: reason });
  }
});

test('a probe that fails makes the tool missing; one that passes does not', () => {
  assert.match(toolMissing(failing, 'fake-package', { probe: ['--version'] }) ?? '', /`.*fake-failing --version` failed; install it with `apt-get install fake-package`/);
  assert.equal(toolMissing(ok, 'fake-package', { probe: ['--version'] }), undefined);
});

test('in a test file: skipped with the line by default, a failed run under CI=true', () => {
  const fixture = join(dir, 'needs-fake.test.ts');
  const tools = fileURLToPath(new URL('../support/tools.ts', import.meta.url));
  writeFileSync(fixture, [
    `import { describe, test } from 'node:test';`,
    `import { requireTool } from ${JSON.stringify(tools)};`,
    `describe('uses the fake tool', requireTool(${JSON.stringify(notExecutable)}, 'fake-package'), () => {`,
    `  test('runs only with it', () => { throw new Error('ran without the tool'); });`,
    `});`,
  ].join('\n'));
  const run = (ci: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: ci };
    delete env.NODE_TEST_CONTEXT; // run as a test runner of its own, not as our child
    return spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', fixture], { env, encoding: 'utf8', timeout: 60_000 });
  };
  const local = run('');
  assert.equal(local.status, 0, local.stdout + local.stderr);
  assert.match(local.stdout, /# SKIP needs fake-plain: .*`apt-get install fake-package`/);
  assert.doesNotMatch(local.stdout, /ran without the tool/);
  const ci = run('true');
  assert.equal(ci.status, 1, ci.stdout + ci.stderr);
  assert.match(ci.stdout, /not ok \d+ - missing under CI=true: fake-plain$/m);
  assert.match(ci.stdout, /needs fake-plain: .*`apt-get install fake-package`/);
  assert.doesNotMatch(ci.stdout, /ran without the tool/);
});
