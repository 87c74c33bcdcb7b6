// Bun.serve, Deno.serve and workerd (a Worker and a Durable Object), from
// their npm packages, offline: each serves a WebSocket echo on 127.0.0.1, and
// the harness starts, reaches and stops it within bounds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { within } from '../support/server-timeout.ts';
import { bundleWorker } from './runtimes/bundle.ts';
import { requireRuntime, root, startBun, startDeno, startWorkerd, type RunningRuntime } from './runtimes/harness.ts';

const fixture = (name: string) => `${root}test/interop/runtimes/${name}`;

/** Opens `url`, sends `text`, resolves with the first frame back. */
function echo(url: string, text: string): Promise<string> {
  const socket = new WebSocket(url);
  return within(new Promise<string>((resolve, reject) => {
    socket.once('open', () => socket.send(text));
    socket.once('message', (data) => resolve(data.toString()));
    socket.once('error', reject);
  }), 10_000, `echo from ${url}`).finally(() => socket.terminate());
}

async function withRuntime(start: () => Promise<RunningRuntime>, check: (port: number) => Promise<void>): Promise<void> {
  const runtime = await start();
  try {
    await check(runtime.port);
  } finally {
    await within(runtime.stop(), 5_000, 'the runtime stopped');
  }
}

describe('Bun.serve', requireRuntime('bun'), () => {
  test('echoes a frame', () => withRuntime(() => startBun(fixture('echo-bun.ts')), async (port) => {
    assert.equal(await echo(`ws://127.0.0.1:${port}/`, 'héllo'), 'héllo');
  }));
});

describe('Deno.serve', requireRuntime('deno'), () => {
  test('echoes a frame', () => withRuntime(() => startDeno(fixture('echo-deno.ts')), async (port) => {
    assert.equal(await echo(`ws://127.0.0.1:${port}/`, 'héllo'), 'héllo');
  }));
});

describe('workerd', requireRuntime('workerd'), () => {
  test('a Worker and a Durable Object it forwards the upgrade to each echo a frame', async () => {
    const { code } = await bundleWorker(fixture('echo-worker.ts'));
    await withRuntime(() => startWorkerd({ module: code, durableObjects: { Room: 'Room' } }), async (port) => {
      assert.equal(await echo(`ws://127.0.0.1:${port}/`, 'héllo'), 'worker: héllo');
      assert.equal(await echo(`ws://127.0.0.1:${port}/room`, 'héllo'), 'room: héllo');
    });
  });

  test('a stopped runtime leaves nothing listening', async () => {
    const { code } = await bundleWorker(fixture('echo-worker.ts'));
    const runtime = await startWorkerd({ module: code, durableObjects: { Room: 'Room' } });
    await runtime.stop();
    await assert.rejects(fetch(`http://127.0.0.1:${runtime.port}/`, { signal: AbortSignal.timeout(2_000) }));
  });
});
