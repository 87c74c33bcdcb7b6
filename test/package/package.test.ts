// The package as npm would ship it: publint and arethetypeswrong pass, both
// module formats load in Node, and Node users authenticate with the header
// carrier through `ws`. Runs after `npm run build` (scripts/test.sh).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import { startGate } from '../support/server-gate.ts';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
// publint and attw run `npm pack`: skip `prepack` (the build) so that dist/, already
// built by scripts/test.sh, is not rebuilt under other tests' feet.
const env = { ...process.env, npm_config_ignore_scripts: 'true' };

describe('the published package', () => {
  test('publint --strict finds nothing', async () => {
    const { stdout } = await run('npx', ['--no-install', 'publint', '--strict'], { cwd: root, env });
    assert.match(stdout, /All good/);
  });

  test('attw --pack --profile node16: CJS gets CJS types, ESM gets ESM types', async () => {
    // attw exits non-zero on any problem for the profile (node16 ignores node10's resolution).
    const { stdout } = await run('npx', ['--no-install', 'attw', '--pack', '.', '--profile', 'node16', '--format', 'json'], { cwd: root, env });
    const { analysis } = JSON.parse(stdout);
    const problems = Object.values(analysis.problems as Record<string, Array<{ resolutionKind?: string }>>)
      .flat()
      .filter((problem) => problem.resolutionKind !== 'node10');
    assert.deepEqual(problems, []);
    for (const entry of ['.', './lite', './server', './server/bun', './server/deno', './server/workers', './react']) {
      const { resolutions } = analysis.entrypoints[entry];
      assert.match(resolutions['node16-cjs'].resolution.fileName, /\.d\.cts$/, `${entry}: CJS consumers get CJS types`);
      assert.match(resolutions['node16-esm'].resolution.fileName, /\.d\.ts$/, `${entry}: ESM consumers get ESM types`);
    }
  });

  test('ESM and CJS entries load in Node with the same public surface', async () => {
    const esm = await import(`${root}dist/index.js`);
    const cjs = require(`${root}dist/index.cjs`);
    for (const entry of [esm, cjs]) {
      assert.equal(typeof entry.AuthSocket, 'function');
      assert.equal(entry.default, entry.AuthSocket);
      assert.equal(typeof entry.AuthSocketError, 'function');
    }
    const server = require(`${root}dist/server.cjs`);
    assert.deepEqual(
      ['Forbidden', 'createAuthGate', 'createTicketStore'].filter((name) => typeof server[name] === 'function'),
      ['Forbidden', 'createAuthGate', 'createTicketStore'],
    );
  });

  test('Node: the header carrier through ws authenticates against authsocket/server', async () => {
    const { AuthSocket } = await import(`${root}dist/index.js`);
    const gate = await startGate({ origins: () => true, verify: async (token) => (token === 'node-token' ? 'bob' : null) });
    const socket = new AuthSocket(gate.url(), {
      WebSocket,
      auth: { via: 'header', token: async () => 'node-token' },
    });
    try {
      const welcome = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no welcome within 5 s')), 5000);
        socket.on('message', (msg: unknown) => {
          clearTimeout(timer);
          resolve(msg);
        });
      });
      assert.deepEqual(welcome, { type: 'welcome', user: 'bob' });
      assert.deepEqual(gate.verified, ['node-token']);
    } finally {
      socket.close();
      await gate.close();
    }
  });

  test('the header carrier is refused without a headers-capable WebSocket', async () => {
    const { AuthSocket, AuthSocketError } = await import(`${root}dist/index.js`);
    assert.throws(
      () => new AuthSocket('ws://127.0.0.1:1/', { auth: { via: 'header', token: 't' } }),
      (error: unknown) => error instanceof AuthSocketError && (error as { code: string }).code === 'UNSUPPORTED_CARRIER',
    );
  });
});
