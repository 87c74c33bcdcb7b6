// The gate never logs or echoes a credential: not in close reasons, auth
// replies, HTTP refusals, `refused` events, or anything written to the
// console, whichever carrier brought it and however it was refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { Forbidden, type Refusal } from '../../src/server/index.ts';
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

describe('a refused payload logged whole (JSON.stringify, a circular-safe JSON logger, util.inspect depth 4) shows no credential', () => {
  // Characters every encoding treats differently: space, + / ! ' ( ) ~ * " \ and non-ASCII.
  const core = `s3cr3t-${randomBytes(8).toString('hex')}`;
  const token = `${core} +/!'()~*"\\é`;
  const wireForms = [
    core, // inside the raw, percent-encoded, form-encoded and JSON-escaped forms alike
    encodeBase64Url(token), Buffer.from(token).toString('base64'), Buffer.from(`alice:${core}`).toString('base64'),
    encodeBase64Url(core), Buffer.from(core).toString('base64'),
  ];
  const circularSafe = (value: unknown) => {
    const seen = new WeakSet();
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
  };

  test('every carrier, every kind of refusal', async () => {
    const refusals: Refusal[] = [];
    const verify = async (t: string) => {
      if (t.endsWith('forbidden')) throw new Forbidden();
      if (t.endsWith('boom')) throw new Error('backend down');
      return null;
    };
    const gates = [await startGate({ verify, timeout: 300 }), await startGate({ verify, carriers: ['basic'] })];
    const [g, basic] = gates;
    for (const gate of gates) gate.gate.on('refused', (refusal) => refusals.push(refusal));
    const query = new URLSearchParams({ access_token: token }).toString();
    try {
      for (const t of [token, `${token}forbidden`, `${token}boom`]) {
        const entry = `base64url.bearer.${encodeBase64Url(t)}`;
        await attempt(g.url(), { headers: { Authorization: `Bearer ${t}` } });
        await attempt(g.url(), { protocols: ['authsocket', entry] });
        await attempt(g.url(), { protocols: ['authsocket', entry, 'base64url.bearer.eA'] });
        await attempt(g.url(`/?${new URLSearchParams({ access_token: t })}`));
        await attempt(g.url(`/?access_token=${encodeURIComponent(t)}`));
        await attempt(g.url(), { headers: { Cookie: `ws_token=${encodeURIComponent(t)}` } });
        await attempt(g.url(), { headers: { Cookie: `ws_token=${encodeURIComponent(t)}; ws_token=x` } });
        await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: t })] });
      }
      await attempt(g.url(`/?${query}&${query}`));
      await attempt(g.url(), { protocols: [`base64url.bearer.${encodeBase64Url(token)}`] }); // HTTP 400
      await attempt(g.url(`/?${query}`), { origin: 'http://evil.other.test' }); // HTTP 403
      await attempt(`ws://alice:${core}@127.0.0.1:${basic.port}/`);
    } finally {
      for (const gate of gates) await gate.close();
    }
    assert.ok(refusals.length >= 28, `${refusals.length} refusals`);
    for (const refusal of refusals) {
      assert.ok(refusal.req, 'the request is still reachable on purpose');
      const printed = [JSON.stringify(refusal), circularSafe(refusal), inspect(refusal, { depth: 4 }), inspect({ refusal }, { depth: 4 }), JSON.stringify({ ...refusal })];
      for (const text of printed) {
        for (const form of wireForms) assert.ok(!text.includes(form), `credential printed as ${form}: ${text.slice(0, 300)}`);
      }
      assert.deepEqual(Object.keys(refusal).filter((key) => key === 'req'), []);
    }
  });
});
