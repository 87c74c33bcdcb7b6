// Bun and Deno (their npm packages) running a node:http server with the gate
// and `ws` unchanged: every carrier reaches the gate with the token
// `a+b c%2F;é` intact, a foreign Origin is refused, and the client in Node
// gets in after a 4401 with a fresh credential and stops on 4403.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { attempt, ORIGIN } from '../support/server-gate.ts';
import { within } from '../support/server-timeout.ts';
import { assertAuthFailurePolicy, TOKEN, VECTORS, welcomeFor } from '../server/frameworks-vectors.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNTIMES = {
  bun: ['run', 'test/interop/frameworks-runtime-server.mjs'],
  deno: ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', 'test/interop/frameworks-runtime-server.mjs'],
};

async function startRuntime(binary: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(binary, args, {
    cwd: root,
    env: { ...process.env, AUTHSOCKET_ORIGIN: ORIGIN, AUTHSOCKET_TOKEN: TOKEN, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${binary} exited with ${code} before listening`)));
  });
  const { port } = JSON.parse(await within(first, 20_000, `${binary} listening`)) as { port: number };
  return { child, port };
}

for (const [name, args] of Object.entries(RUNTIMES)) {
  const binary = `${root}node_modules/.bin/${name}`;
  const skip = existsSync(binary) ? {} : { skip: `${name} is not installed (npm install ${name})` };
  describe(`${name}: node:http + gate + ws`, skip, () => {
    let runtime: { child: ChildProcess; port: number };
    const url = (path: string) => `ws://127.0.0.1:${runtime.port}${path}`;
    before(async () => { runtime = await startRuntime(binary, args); });
    after(() => { runtime?.child.kill(); });

    for (const [via, vector] of Object.entries(VECTORS)) {
      test(`${via}: admitted, token intact`, async () => {
        const { query = '', ...options } = vector;
        const welcome = welcomeFor(via);
        const result = await attempt(url(`/live${query}`), { ...options, closeAfter: welcome.length });
        assert.deepEqual(result.messages, welcome);
      });
    }

    test('a foreign Origin is refused with HTTP 403', async () => {
      assert.equal((await attempt(url('/live?access_token=x'), { origin: 'http://evil.example.test' })).status, 403);
    });

    test('the client: 4401 → a fresh credential and in; 4403 → stop with unauthorized', () => assertAuthFailurePolicy(url('/live')));
  });
}
