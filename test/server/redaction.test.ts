// The gate never logs or echoes a credential: not in close reasons, auth
// replies, HTTP refusals, `refused` events, or anything written to the
// console, whichever carrier brought it and however it was refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { Forbidden } from '../../src/server/index.ts';
import { attempt, rawExchange, startGate, upgradeRequest } from '../support/server-gate.ts';

const secret = `s3cret-${randomBytes(8).toString('hex')}`;
const forms = [secret, encodeBase64Url(secret), encodeURIComponent(secret), Buffer.from(`alice:${secret}`).toString('base64')];

/** Everything written to stdout, stderr or the console while `run` runs. */
async function captureOutput(run: () => Promise<void>): Promise<string> {
  const captured: string[] = [];
  const restore: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(String(chunk));
      return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => { stream.write = write; });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => { captured.push(args.map(String).join(' ')); };
    restore.push(() => { console[method] = original; });
  }
  try {
    await run();
  } finally {
    for (const undo of restore) undo();
  }
  return captured.join('\n');
}

for (const outcome of ['unauthorized', 'forbidden', 'error'] as const) {
  test(`every carrier, refused as ${outcome}: the credential shows up nowhere`, async () => {
    const observed: unknown[] = [];
    const output = await captureOutput(async () => {
      const verify = async () => {
        if (outcome === 'forbidden') throw new Forbidden();
        if (outcome === 'error') throw new Error('backend down');
        return null;
      };
      const gates = [await startGate({ verify, timeout: 300 }), await startGate({ verify, carriers: ['basic'] })];
      const [g, basic] = gates;
      for (const gate of gates) {
        gate.gate.on('refused', ({ req: _req, ...refusal }) => observed.push(refusal));
        gate.gate.on('error', (error) => observed.push(String(error), (error as Error).stack));
      }
      try {
        const results = [
          await attempt(g.url(), { headers: { Authorization: `Bearer ${secret}` } }),
          await attempt(g.url(), { protocols: ['authsocket', `base64url.bearer.${encodeBase64Url(secret)}`] }),
          await attempt(g.url(), { protocols: ['authsocket', `base64url.bearer.${encodeBase64Url(secret)}`, 'base64url.bearer.eA'] }),
          await attempt(g.url(`/?access_token=${encodeURIComponent(secret)}`)),
          await attempt(g.url(`/?access_token=${secret}&access_token=${secret}`)),
          await attempt(g.url(), { headers: { Cookie: `ws_token=${encodeURIComponent(secret)}` } }),
          await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: secret })] }),
          await attempt(g.url(), { send: [JSON.stringify({ type: 'hello', token: secret })] }),
          await attempt(`ws://alice:${secret}@127.0.0.1:${basic.port}/`),
          await attempt(g.url(), { protocols: [`base64url.bearer.${encodeBase64Url(secret)}`] }), // HTTP 400
          await attempt(g.url(`/?access_token=${secret}`), { origin: 'http://evil.other.test' }), // HTTP 403
        ];
        observed.push(...results);
        for (const r of results) assert.ok(r.code !== undefined || r.status !== undefined);
        observed.push((await rawExchange(g.port, upgradeRequest(`/?access_token=${secret}`, [], 'http://evil.other.test'))).response);
      } finally {
        for (const gate of gates) await gate.close();
      }
    });
    const haystack = `${JSON.stringify(observed)}\n${output}`;
    for (const form of forms) assert.ok(!haystack.includes(form), `credential leaked as ${form}`);
    assert.ok(observed.length > 11);
  });
}
