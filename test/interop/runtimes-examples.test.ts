// examples/runtimes stay true: they type-check against the built types of
// authsocket/server/{bun,deno,workers} without Node's types (the runtimes'
// own globals are stood in for by examples/runtimes/runtime-globals.d.ts), and
// each runs on its runtime as written: `demo-token` gets in and is echoed,
// `banned` is closed 4403.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { freePort } from '../support/interop/processes.ts';
import { attempt } from '../support/server-gate.ts';
import { bundleWorker } from './runtimes/bundle.ts';
import { requireRuntime, root, startBun, startDeno, startWorkerd, type RunningRuntime } from './runtimes/harness.ts';

const ORIGIN = 'http://localhost:8080'; // the page origin the examples allow

test('tsc type-checks examples/runtimes against dist/server/*.d.ts', () => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'examples/runtimes/tsconfig.json'], { cwd: root, encoding: 'utf8', timeout: 110_000 });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});

async function assertExample(runtime: RunningRuntime, path: string): Promise<void> {
  try {
    const url = (token: string) => `ws://127.0.0.1:${runtime.port}${path}?access_token=${token}`;
    const admitted = await attempt(url('demo-token'), { origin: ORIGIN, send: ['hi'], closeAfter: 2 });
    assert.deepEqual(admitted.messages, [{ type: 'welcome', user: 'alice' }, { type: 'echo', from: 'alice', data: 'hi' }]);
    assert.equal((await attempt(url('banned'), { origin: ORIGIN })).code, 4403);
    assert.equal((await attempt(url('demo-token'), { origin: 'http://evil.example.test' })).status, 403);
  } finally {
    await runtime.stop();
  }
}

describe('the examples run', () => {
  test('bun/server.ts', requireRuntime('bun'), async () => {
    const port = await freePort();
    await assertExample(await startBun(`${root}examples/runtimes/bun/server.ts`, { PORT: String(port) }, port), '/live');
  });

  test('deno/server.ts', requireRuntime('deno'), async () => {
    const port = await freePort();
    await assertExample(await startDeno(`${root}examples/runtimes/deno/server.ts`, { PORT: String(port) }, port), '/live');
  });

  test('workers/worker.ts (a Worker forwarding to a Durable Object per room)', requireRuntime('workerd'), async () => {
    const { code } = await bundleWorker(`${root}examples/runtimes/workers/worker.ts`, { 'authsocket/server/workers': `${root}dist/server/workers.js` });
    await assertExample(await startWorkerd({ module: code, durableObjects: { ROOMS: 'Room' } }), '/rooms/lobby');
  });
});
