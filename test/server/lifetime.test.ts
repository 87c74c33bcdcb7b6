// The credential's lifetime on the gate: a socket is closed with 4401
// 'credential expired' when its credential ends, an expired credential is
// refused at once, and an in-place re-authentication moves the end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expiryResolver, expiryTimer, MAX_TIMER_MS } from '../../src/server/core/lifetime.ts';
import { startGate, type TestGate } from '../support/server-gate.ts';
import { jwt, listen } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';

const auth = (token: string) => JSON.stringify({ type: 'auth', token });
/** Tokens `name@expiresAtMs`; verify accepts any name except `nobody`. */
const token = (name: string, expiresAt: number) => `${name}@${expiresAt}`;
const nameOf = (t: string) => t.split('@')[0]!;

describe('the JWT exp claim, by default', () => {
  let g: TestGate<string>;
  before(async () => { g = await startGate({ verify: async (t) => (t.startsWith('ey') ? 'alice' : t === 'good' ? 'alice' : null) }); });
  after(() => g.close());

  test('a socket is closed with 4401 credential expired at exp', async () => {
    const exp = Math.ceil(Date.now() / 1000) + 1; // seconds: 1–2 s from now
    const client = await listen(g.url(`/?access_token=${jwt({ sub: 'alice', exp })}`));
    await client.next(1);
    assert.deepEqual(client.inbox[0], { type: 'welcome', user: 'alice' });
    const closed = await within(client.closed, 4_000, 'expiry close');
    assert.deepEqual([closed.code, closed.reason], [4401, 'credential expired']);
    assert.ok(closed.at >= exp * 1000 - 20, `closed ${exp * 1000 - closed.at} ms early`);
    assert.ok(closed.at < exp * 1000 + 500, `closed ${closed.at - exp * 1000} ms late`);
  });

  test('an already expired JWT is refused with 4401 at once: no connection', async () => {
    const before = g.verified.length;
    const client = await listen(g.url(`/?access_token=${jwt({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 1 })}`));
    const closed = await within(client.closed, 1_000, 'refusal');
    assert.equal(closed.code, 4401);
    assert.deepEqual(client.inbox, [], 'no welcome: the app never saw the socket');
    assert.equal(g.verified.length, before + 1, 'verify ran (it checks the signature), then the expiry refused');
  });

  test('a token that is not a JWT never expires; neither does a JWT without exp', () => {
    const expiry = expiryResolver<string>(undefined);
    assert.equal(expiry('alice', 'good'), undefined);
    assert.equal(expiry('alice', 'a.b.c'), undefined);
    assert.equal(expiry('alice', jwt({ sub: 'alice' })), undefined);
    assert.equal(expiry('alice', jwt({ exp: 1_700_000_000 })), 1_700_000_000_000);
  });

  test('a malformed exp fails closed: ms values, "0", null, true, arrays are refused with 4401', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    for (const exp of [future * 1000, '0', String(future), null, true, [future], 0, -1, Number.MAX_VALUE]) {
      const client = await listen(g.url(`/?access_token=${jwt({ sub: 'alice', exp })}`));
      const closed = await within(client.closed, 1_000, `refusal of exp ${JSON.stringify(exp)}`);
      assert.equal(closed.code, 4401, `exp ${JSON.stringify(exp)}`);
      assert.deepEqual(client.inbox, [], `exp ${JSON.stringify(exp)}: the app never saw the socket`);
    }
  });

  test('an in-place re-authentication to a JWT without exp does not outlive the old expiry', async () => {
    const exp = Math.ceil(Date.now() / 1000) + 1;
    const client = await listen(g.url());
    client.ws.send(auth(jwt({ sub: 'alice', exp })));
    await client.next(2);
    client.ws.send(auth(jwt({ sub: 'alice' })));
    await client.next(3);
    assert.deepEqual(client.inbox[2], { type: 'auth_ok' });
    const closed = await within(client.closed, 3_000, 'the old end still holds');
    assert.deepEqual([closed.code, closed.reason], [4401, 'credential expired']);
    assert.ok(closed.at < exp * 1000 + 500, `closed ${closed.at - exp * 1000} ms after the old end`);
  });
});

describe('the expiresAt option', () => {
  let g: TestGate<string>;
  const errors: unknown[] = [];
  before(async () => {
    g = await startGate({
      verify: async (t) => (nameOf(t) === 'nobody' ? null : nameOf(t)),
      expiresAt: (_user, t) => (t.includes('@') ? Number(t.split('@')[1]) : undefined),
    });
    g.gate.on('error', (error) => errors.push(error));
  });
  after(() => g.close());

  for (const via of ['query', 'message'] as const) {
    test(`${via}: closed with 4401 credential expired when the credential ends`, async () => {
      const end = Date.now() + 400;
      const client = via === 'query'
        ? await listen(g.url(`/?access_token=${token('alice', end)}`))
        : await listen(g.url());
      if (via === 'message') client.ws.send(auth(token('alice', end)));
      await client.next(via === 'message' ? 2 : 1);
      const closed = await within(client.closed, 2_000, 'expiry close');
      assert.deepEqual([closed.code, closed.reason], [4401, 'credential expired']);
      assert.ok(closed.at >= end - 20 && closed.at < end + 300, `closed ${closed.at - end} ms after the end`);
    });
  }

  test('message: an expired credential is answered auth_error (never auth_ok) and 4401', async () => {
    const client = await listen(g.url());
    client.ws.send(auth(token('alice', Date.now() - 1)));
    const closed = await within(client.closed, 1_000, 'refusal');
    assert.equal(closed.code, 4401);
    assert.deepEqual(client.inbox, [{ type: 'auth_error' }]);
  });

  test('an in-place re-authentication moves the end to the new token', async () => {
    const client = await listen(g.url());
    client.ws.send(auth(token('alice', Date.now() + 300)));
    await client.next(2);
    const end = Date.now() + 900;
    client.ws.send(auth(token('alice', end)));
    await client.next(3);
    assert.deepEqual(client.inbox[2], { type: 'auth_ok' });
    const closed = await within(client.closed, 2_000, 'expiry close');
    assert.deepEqual([closed.code, closed.reason], [4401, 'credential expired']);
    assert.ok(closed.at >= end - 20, `closed ${end - closed.at} ms before the new end: the old one still ruled`);
  });

  test('an in-place re-authentication with an expired token is refused: auth_error, 4401', async () => {
    const client = await listen(g.url());
    client.ws.send(auth(token('alice', Date.now() + 5_000)));
    await client.next(2);
    client.ws.send(auth(token('alice', Date.now() - 1)));
    const closed = await within(client.closed, 1_000, 'refusal');
    assert.equal(closed.code, 4401);
    assert.deepEqual(client.inbox.at(-1), { type: 'auth_error' });
  });

  test('expiresAt returning undefined: never expires', async () => {
    const client = await listen(g.url('/?access_token=alice'));
    await client.next(1);
    assert.ok(client.isOpen());
    client.ws.close();
  });

  test('an expiresAt that returns junk refuses the socket (1011) and reports it', async () => {
    const broken = await startGate({ verify: async () => 'alice', expiresAt: () => Number.NaN });
    const reported: unknown[] = [];
    broken.gate.on('error', (error) => reported.push(error));
    try {
      const client = await listen(broken.url('/?access_token=x'));
      assert.equal((await within(client.closed, 1_000, 'refusal')).code, 1011);
      assert.match(String(reported[0]), /expiresAt/);
    } finally {
      await broken.close();
    }
  });

  test('an expiresAt returning seconds is an error the gate reports, not a silent refusal of everyone', async () => {
    const inSeconds = await startGate({ verify: async () => 'alice', expiresAt: () => Math.floor(Date.now() / 1000) + 3600 });
    const reported: unknown[] = [];
    inSeconds.gate.on('error', (error) => reported.push(error));
    try {
      const client = await listen(inSeconds.url('/?access_token=x'));
      assert.equal((await within(client.closed, 1_000, 'refusal')).code, 1011);
      assert.match(String(reported[0]), /seconds/);
    } finally {
      await inSeconds.close();
    }
  });

  test('expiresAt saying "never" on a re-authentication lifts the end', async () => {
    const client = await listen(g.url());
    client.ws.send(auth(token('alice', Date.now() + 300)));
    await client.next(2);
    client.ws.send(auth('alice'));
    await client.next(3);
    assert.deepEqual(client.inbox[2], { type: 'auth_ok' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(client.isOpen(), 'expiresAt returned undefined for the new token: no end');
    client.ws.close();
  });

  test('options are checked', async () => {
    await assert.rejects(async () => startGate({ expiresAt: 5 as never }), TypeError);
  });
});

describe('the expiry timer', () => {
  test('fires at the end, and never after stop()', async () => {
    let fired = 0;
    const timer = expiryTimer(() => fired++);
    timer.set(Date.now() + 30);
    await within(new Promise<void>((resolve) => {
      const poll = setInterval(() => fired && (clearInterval(poll), resolve()), 5);
    }), 1_000, 'expiry');
    timer.set(Date.now() + 30);
    timer.stop();
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(fired, 1);
  });

  test('an end beyond setTimeout range (2^31 − 1 ms) does not fire at once', async () => {
    let fired = 0;
    const timer = expiryTimer(() => fired++);
    timer.set(Date.now() + MAX_TIMER_MS + 60_000);
    // A plain setTimeout of that delay fires after ~1 ms (TimeoutOverflowWarning).
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(fired, 0);
    timer.stop();
  });

  test('a far end is reached in steps: the timer re-arms itself', () => {
    let now = 0;
    const delays: number[] = [];
    const real = globalThis.setTimeout;
    const callbacks: Array<() => void> = [];
    (globalThis as any).setTimeout = (callback: () => void, delay: number) => {
      delays.push(delay);
      callbacks.push(callback);
      return real(() => {}, 0);
    };
    let fired = 0;
    try {
      const timer = expiryTimer(() => fired++, () => now);
      timer.set(MAX_TIMER_MS * 2 + 10);
      now = MAX_TIMER_MS; callbacks.at(-1)!();
      now = MAX_TIMER_MS * 2; callbacks.at(-1)!();
      assert.equal(fired, 0);
      now = MAX_TIMER_MS * 2 + 10; callbacks.at(-1)!();
    } finally {
      globalThis.setTimeout = real;
    }
    assert.deepEqual(delays, [MAX_TIMER_MS, MAX_TIMER_MS, 10]);
    assert.equal(fired, 1);
  });
});
