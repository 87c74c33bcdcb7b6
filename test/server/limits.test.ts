// The gate's resource limits (SPEC "Limits"): pending sockets overall (503)
// and per address (429), a verify that does not settle (1013 + error), and
// the largest frame before authentication (1009). Each refusal also emits
// `refused`, and the gate keeps serving afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAuthGate, createRedisTicketStore } from '../../src/server/index.ts';
import { within } from '../support/server-timeout.ts';
import { assertServes, attempt, maskedTextFrame, rawExchange, startGate, upgradeRequest, type TestGate } from '../support/server-gate.ts';

/** A verify that holds every call until `release()`; `calls` counts the calls running. */
function heldVerify() {
  const waiting: Array<() => void> = [];
  let calls = 0;
  const verify = async (token: string) => {
    calls++;
    await new Promise<void>((resolve) => waiting.push(resolve));
    return token === 'good' ? 'alice' : null;
  };
  return {
    verify,
    get calls() { return calls; },
    release() { for (const resolve of waiting.splice(0)) resolve(); },
  };
}

async function until(condition: () => boolean, what: string, ms = 3_000): Promise<void> {
  let waiting = true; // the poll stops once the bound has passed, it does not spin on
  try {
    await within((async () => { while (waiting && !condition()) await new Promise((resolve) => setImmediate(resolve)); })(), ms, what);
  } finally {
    waiting = false;
  }
}

async function using<User>(gate: TestGate<User>, run: (g: TestGate<User>) => Promise<void>): Promise<void> {
  try {
    await run(gate);
  } finally {
    await gate.close();
  }
}

const auth = (token: string) => JSON.stringify({ type: 'auth', token });

test('limits.pending: beyond it HTTP 503 before the upgrade (verify not called), refused event; room again once settled', async () => {
  const held = heldVerify();
  await using(await startGate({ verify: held.verify, limits: { pending: 3 } }), async (g) => {
    const pending = Array.from({ length: 3 }, () => attempt(g.url('/?access_token=good'), { closeAfter: 1 }));
    await until(() => held.calls === 3, 'three verify calls running');
    const refused = await attempt(g.url('/?access_token=good'));
    assert.deepEqual([refused.status, refused.opened, held.calls], [503, false, 3]);
    assert.equal(refused.retryAfter, '1', 'overload says when to come back');
    assert.deepEqual([g.refusals.at(-1)?.status, g.refusals.at(-1)?.reason], [503, 'too many pending']);
    held.release();
    for (const r of await Promise.all(pending)) assert.deepEqual(r.messages, [{ type: 'welcome', user: 'alice' }]);
    const later = attempt(g.url('/?access_token=good'), { closeAfter: 1 });
    await until(() => held.calls === 4, 'the slot is free again');
    held.release();
    assert.deepEqual((await later).messages, [{ type: 'welcome', user: 'alice' }]);
  });
});

test('limits.pending counts message-carrier sockets awaiting their first frame; they may take half of it', async () => {
  await using(await startGate({ limits: { pending: 4 } }), async (g) => {
    const silent = Array.from({ length: 2 }, () => attempt(g.url(), { timeoutMs: 10_000 }));
    await until(() => g.gate.clients.size === 2, 'two anonymous sockets open');
    const refused = await attempt(g.url(), { send: [auth('good')] });
    assert.deepEqual([refused.status, g.refusals.at(-1)?.reason], [503, 'too many awaiting their first frame']);
    // The other half is kept for credentials that came with the upgrade.
    assert.deepEqual((await attempt(g.url('/?access_token=good'), { closeAfter: 1 })).messages, [{ type: 'welcome', user: 'alice' }]);
    await g.gate.close();
    for (const r of await Promise.all(silent)) assert.equal(r.code, 1001);
  });
});

test('limits.pendingPerAddress: beyond it HTTP 429; other addresses still get in (address option)', async () => {
  const held = heldVerify();
  const address = (req: { headers: Record<string, unknown> }) => String(req.headers['x-client']);
  await using(await startGate({ verify: held.verify, limits: { pendingPerAddress: 2 }, address }), async (g) => {
    const fromA = Array.from({ length: 2 }, () => attempt(g.url('/?access_token=good'), { headers: { 'X-Client': 'a' }, closeAfter: 1 }));
    await until(() => held.calls === 2, 'two pending from a');
    const third = await attempt(g.url('/?access_token=good'), { headers: { 'X-Client': 'a' } });
    assert.deepEqual([third.status, held.calls], [429, 2]);
    assert.equal(third.retryAfter, '1', 'overload says when to come back');
    assert.deepEqual([g.refusals.at(-1)?.status, g.refusals.at(-1)?.reason], [429, 'too many pending from this address']);
    const fromB = attempt(g.url('/?access_token=good'), { headers: { 'X-Client': 'b' }, closeAfter: 1 });
    await until(() => held.calls === 3, 'b is not limited by a');
    held.release();
    for (const r of await Promise.all([...fromA, fromB])) assert.deepEqual(r.messages, [{ type: 'welcome', user: 'alice' }]);
  });
});

test('defaults: one address cannot run more than 50 verify calls at once (the rest get 429)', async () => {
  const held = heldVerify();
  await using(await startGate({ verify: held.verify }), async (g) => {
    const all = Array.from({ length: 60 }, () => attempt(g.url('/?access_token=good'), { closeAfter: 1, timeoutMs: 10_000 }));
    await until(() => held.calls === 50 && g.refusals.length === 10, '50 running, 10 refused', 8_000);
    held.release();
    const results = await Promise.all(all);
    assert.equal(results.filter((r) => r.status === 429).length, 10);
    assert.equal(results.filter((r) => (r.messages[0] as { type?: string } | undefined)?.type === 'welcome').length, 50);
  });
});

test('limits.verifyTimeout: a verify that never settles → upgrade accepted, close 1013 "try again later", error and refused events', async () => {
  const held = heldVerify();
  await using(await startGate({ verify: held.verify, limits: { verifyTimeout: 150, pending: 3 } }), async (g) => {
    const errors: unknown[] = [];
    g.gate.on('error', (error) => errors.push(error));
    for (const options of [{ path: '/?access_token=t' }, { send: [auth('t')] }, { protocols: ['authsocket', 'base64url.bearer.dA'] }]) {
      const { path = '/', ...rest } = options as { path?: string; send?: string[]; protocols?: string[] };
      const r = await attempt(g.url(path), rest);
      assert.deepEqual([r.opened, r.code, r.reason], [true, 1013, 'try again later'], JSON.stringify(options));
      assert.deepEqual([g.refusals.at(-1)?.code, g.refusals.at(-1)?.reason], [1013, 'try again later']);
    }
    assert.equal(errors.length, 3);
    assert.match(String(errors[0]), /verify did not settle within 150 ms/);
  });
});

test('limits.verifyTimeout: timed-out verify calls keep their place until they settle, so hung calls cannot pile up', async () => {
  const held = heldVerify();
  await using(await startGate({ verify: held.verify, limits: { verifyTimeout: 250, pending: 20 } }), async (g) => {
    // Before: each timeout freed a place while the call ran on (399 running with pending 20).
    const timedOut = await Promise.all(Array.from({ length: 20 }, () => attempt(g.url('/?access_token=good'), { timeoutMs: 5_000 })));
    assert.deepEqual(timedOut.map((r) => r.code), Array(20).fill(1013));
    const after = await Promise.all(Array.from({ length: 20 }, () => attempt(g.url('/?access_token=good'), { timeoutMs: 5_000 })));
    assert.deepEqual(after.map((r) => r.status), Array(20).fill(503), 'the hung calls still hold the pool');
    assert.equal(held.calls, 20, 'no more verify calls running than pending');
    held.release(); // the hung calls settle at last: their places come back
    const later = attempt(g.url('/?access_token=good'), { closeAfter: 1 });
    await until(() => held.calls === 21, 'a new verify call has room');
    held.release();
    assert.deepEqual((await later).messages, [{ type: 'welcome', user: 'alice' }]);
  });
});

test('limits.verifyTimeout: "Redis down" with a client that queues forever fails closed (1013), it does not hang', async () => {
  const tickets = createRedisTicketStore<string>({ redis: { command: () => new Promise<never>(() => {}) }, ttl: 30_000 });
  await using(await startGate({ verify: (ticket) => tickets.redeem(ticket), limits: { verifyTimeout: 200 } }), async (g) => {
    const r = await attempt(g.url(`/?access_token=${'A'.repeat(43)}`), { timeoutMs: 3_000 });
    assert.deepEqual([r.code, r.reason], [1013, 'try again later']);
  });
});

test('limits.authFrameBytes: an oversized first frame is refused when its length arrives, not after buffering it', async () => {
  await using(await startGate({ timeout: 10_000, limits: { authFrameBytes: 1024 } }), async (g) => {
    // The header of a masked 1 MiB text frame and a few payload bytes: nothing more follows.
    const header = Buffer.from([0x81, 0x80 | 127, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4]);
    const request = Buffer.concat([Buffer.from(upgradeRequest('/')), header, Buffer.alloc(100)]);
    const { response } = await rawExchange(g.port, request, 2_000);
    assert.match(response, /^HTTP\/1\.1 101 /);
    const frame = Buffer.from(response.slice(response.indexOf('\r\n\r\n') + 4), 'latin1');
    assert.deepEqual([frame[0], frame.readUInt16BE(2)], [0x88, 1009]);
    assert.deepEqual([g.refusals.at(-1)?.code, g.refusals.at(-1)?.reason], [1009, 'auth frame too big']);
  });
});

test('limits.authFrameBytes holds only until authentication: afterwards frames up to maxPayload pass', async () => {
  await using(await startGate({ limits: { authFrameBytes: 1024 } }), async (g) => {
    const big = 'y'.repeat(100_000);
    const r = await attempt(g.url(), { send: [auth('good'), 'small'], closeAfter: 3 });
    assert.deepEqual(r.messages.slice(0, 2), [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }]);
    const after = await attempt(g.url('/?access_token=good'), { send: [big], closeAfter: 2 });
    assert.deepEqual(after.messages[1], { type: 'echo', data: big });
    const authenticated = await attempt(g.url(), { send: [auth('good')], closeAfter: 2 });
    assert.deepEqual(authenticated.messages, [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }]);
  });
});

test('limits.authFrameBytes: a frame over the cap right behind the auth frame (same write) → 1009, nothing reaches the app', async () => {
  const slow = (token: string) => new Promise<string | null>((resolve) => setTimeout(() => resolve(token === 'good' ? 'alice' : null), 200));
  await using(await startGate({ verify: slow, limits: { authFrameBytes: 1024 } }), async (g) => {
    let delivered = 0;
    g.gate.on('connection', () => { delivered++; });
    const oversized = Buffer.from([0x81, 0x80 | 126, 0x08, 0x00, 1, 2, 3, 4]); // a 2048-byte frame's header
    const bytes = Buffer.concat([Buffer.from(upgradeRequest('/')), maskedTextFrame(auth('good')), oversized, Buffer.alloc(2048)]);
    const { response } = await rawExchange(g.port, bytes, 2_000);
    const frame = Buffer.from(response.slice(response.indexOf('\r\n\r\n') + 4), 'latin1');
    assert.deepEqual([frame[0], frame.readUInt16BE(2)], [0x88, 1009]);
    assert.equal(delivered, 0);
  });
});

test('limits and address are checked at creation', () => {
  const base = { origins: ['http://a.test'], verify: () => null };
  for (const limits of [{ pending: 0 }, { pending: 1.5 }, { pendingPerAddress: -1 }, { verifyTimeout: 0 }, { verifyTimeout: Infinity },
    { verifyTimeout: 2 ** 31 }, { authFrameBytes: 0 }, { authFrameBytes: Number.NaN }, 'x']) {
    assert.throws(() => createAuthGate({ ...base, limits: limits as never }), TypeError, JSON.stringify(limits));
  }
  assert.throws(() => createAuthGate({ ...base, address: 'x' as never }), TypeError);
  createAuthGate({ ...base, limits: { pending: Infinity, pendingPerAddress: Infinity, verifyTimeout: 1, authFrameBytes: 1 } });
});

test('after all of that a fresh gate with default limits serves', async () => {
  await using(await startGate(), (g) => assertServes(g.url()));
});

test('an address option that throws: HTTP 500, an error event and a refused event; the gate keeps serving', async () => {
  const boom = new Error('no proxy header');
  const address = (req: { headers: Record<string, unknown> }) => {
    if (req.headers['x-client'] === undefined) throw boom;
    return String(req.headers['x-client']);
  };
  await using(await startGate({ address }), async (g) => {
    const errors: unknown[] = [];
    g.gate.on('error', (error) => errors.push(error));
    const refused = await attempt(g.url('/?access_token=good'));
    assert.deepEqual([refused.status, refused.opened, g.verified.length], [500, false, 0]);
    assert.deepEqual([g.refusals.at(-1)?.status, g.refusals.at(-1)?.reason], [500, 'address option threw']);
    assert.deepEqual(errors, [boom]);
    const next = await attempt(g.url('/?access_token=good'), { headers: { 'X-Client': 'a' }, closeAfter: 1 });
    assert.deepEqual(next.messages, [{ type: 'welcome', user: 'alice' }]);
  });
});

test('limits.authFrameBytes also bounds the frames held behind the auth frame together (1008 beyond it)', async () => {
  const held = heldVerify();
  await using(await startGate({ verify: held.verify }), async (g) => {
    const big = JSON.stringify({ type: 'chat', text: 'x'.repeat(10 * 1024) });
    const pending = attempt(g.url(), { send: [auth('good'), big, big] });
    await until(() => held.calls === 1, 'verify running');
    const r = await pending; // two 10 KiB frames: 20 KiB held > 16 KiB
    assert.deepEqual([r.code, r.reason], [1008, 'too many frames before auth']);
    held.release();
  });
});
