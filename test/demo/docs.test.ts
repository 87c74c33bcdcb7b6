// `npm run docs` works: TypeDoc builds the API reference from the TSDoc in src/
// (typedoc.json) without warnings, into a scratch directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('TypeDoc generates the API reference (client and server) with no warning', () => {
  const out = mkdtempSync(join(tmpdir(), 'authsocket-docs-'));
  try {
    const typedoc = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--out', out, '--treatWarningsAsErrors'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(typedoc.status, 0, `typedoc failed:\n${typedoc.stdout}${typedoc.stderr}`);
    assert.ok(existsSync(join(out, 'classes', 'index.AuthSocket.html')), 'the AuthSocket class page');
    const options = readFileSync(join(out, 'interfaces', 'index.AuthSocketOptions.html'), 'utf8');
    assert.match(options, /heartbeat/, 'options are documented');
    assert.ok(existsSync(join(out, 'functions', 'server.createAuthGate.html')), 'the server entry point');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
