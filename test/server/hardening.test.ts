// Hostile input to the gate. Each case gets its documented refusal within its
// timeout, and afterwards the same gate still serves a good client.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { assertServes, attempt, maskedTextFrame, ORIGIN, rawExchange, startGate, upgradeRequest, type TestGate } from '../support/server-gate.ts';
import { within } from '../support/server-timeout.ts';

const PREFIX = 'base64url.bearer.';
const TIMEOUT = 300;

let g: TestGate<string>;
before(async () => { g = await startGate({ timeout: TIMEOUT }); });
after(() => g.close());
afterEach(() => assertServes(g.url()));

/** The close code in the first server frame of a raw exchange, if it is a close frame. */
function closeCodeIn(response: string): number | undefined {
  const bodyAt = response.indexOf('\r\n\r\n') + 4;
  const frame = Buffer.from(response.slice(bodyAt), 'latin1');
  return frame[0] === 0x88 && frame.length >= 4 ? frame.readUInt16BE(2) : undefined;
}

describe('malformed credentials → 4401, verify not called', () => {
  for (const [label, entry] of [
    ['not base64url', `${PREFIX}!!!`],
    ['stray low bits (non-canonical)', `${PREFIX}Zh`],
    ['invalid UTF-8', `${PREFIX}_w`],
    ['impossible length', `${PREFIX}abcde`],
    ['empty', PREFIX],
  ]) {
    test(`subprotocol: ${label}`, async () => {
      const before = g.verified.length;
      const r = await attempt(g.url(), { protocols: ['authsocket', entry] });
      assert.equal(r.code, 4401);
      assert.equal(g.verified.length, before);
    });
  }

  test('subprotocol: padded base64 is not a valid entry at all → HTTP 400', async () => {
    const request = upgradeRequest('/', [`Sec-WebSocket-Protocol: authsocket, ${PREFIX}Zm9vYg==`]);
    assert.match((await rawExchange(g.port, request)).response, /^HTTP\/1\.1 400 /);
  });

  test('malformed Sec-WebSocket-Protocol (empty entry, duplicate) → HTTP 400', async () => {
    for (const header of ['authsocket,,x', 'authsocket, authsocket', 'a b', '']) {
      const { response } = await rawExchange(g.port, upgradeRequest('/?access_token=good', [`Sec-WebSocket-Protocol: ${header}`]));
      assert.match(response, /^HTTP\/1\.1 400 /, header);
    }
  });

  test('Sec-WebSocket-Protocol with U+00A0 (which ws refuses, unlike trim()) → HTTP 400 before verify: no ticket spent', async () => {
    for (const header of [`authsocket,\u00a0${PREFIX}Z29vZA`, `authsocket\u00a0, ${PREFIX}Z29vZA`, `${PREFIX}Z29vZA, authsocket\u00a0`]) {
      const before = g.verified.length;
      const request = Buffer.from(upgradeRequest('/?access_token=good', [`Sec-WebSocket-Protocol: ${header}`]), 'latin1');
      const { response } = await rawExchange(g.port, request);
      assert.match(response, /^HTTP\/1\.1 400 /, JSON.stringify(header));
      assert.equal(g.verified.length, before, 'verify was not called');
    }
  });

  test('cookie: bad percent-encoding', async () => {
    const r = await attempt(g.url(), { headers: { Cookie: 'ws_token=%E0%A4%A' } });
    assert.equal(r.code, 4401);
  });

  test('basic-looking and empty Authorization headers are not bearer tokens', async () => {
    for (const value of ['Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', 'Bearerx good']) {
      const r = await attempt(g.url(), { headers: { Authorization: value } });
      assert.equal(r.code, 4401, value);
    }
  });
});

test('duplicate query params → 4401, verify not called', async () => {
  const before = g.verified.length;
  const r = await attempt(g.url('/?access_token=good&access_token=good'));
  assert.deepEqual([r.code, g.verified.length], [4401, before]);
});

describe('the credential cookie more than once (cookie tossing) → 4401, verify not called', () => {
  for (const cookie of ['ws_token=evil; ws_token=good', 'ws_token=good; ws_token=good', 'ws_token=good; a=1; ws_token=', 'ws_token="good"; ws_token=good']) {
    test(cookie, async () => {
      const before = g.verified.length;
      const r = await attempt(g.url(), { headers: { Cookie: cookie } });
      assert.deepEqual([r.code, g.verified.length], [4401, before]);
      assert.equal(g.refusals.at(-1)?.reason, 'repeated cookie');
    });
  }

  test('in two Cookie header lines (joined by Node)', async () => {
    const before = g.verified.length;
    const { response } = await rawExchange(g.port, upgradeRequest('/', ['Cookie: ws_token=evil', 'Cookie: ws_token=good']));
    assert.equal(closeCodeIn(response), 4401);
    assert.equal(g.verified.length, before);
  });

  test('other cookies of similar names do not count', async () => {
    const r = await attempt(g.url(), { headers: { Cookie: 'WS_TOKEN=x; ws_token2=y; xws_token=z; ws_token=good' }, closeAfter: 1 });
    assert.deepEqual(r.messages, [{ type: 'welcome', user: 'alice' }]);
  });
});

describe('every falsy verify result → 4401, never a connection', () => {
  for (const [label, value] of [['null', null], ['undefined', undefined], ['false', false], ['0', 0], ["''", ''], ['NaN', Number.NaN], ['0n', 0n], ['-0', -0]] as const) {
    test(label, async () => {
      const falsy = await startGate<unknown>({ verify: async () => value });
      let connections = 0;
      falsy.gate.on('connection', () => { connections++; });
      try {
        for (const options of [{ path: '/?access_token=t' }, { send: [JSON.stringify({ type: 'auth', token: 't' })] }]) {
          const { path = '/', ...rest } = options as { path?: string; send?: string[] };
          const r = await attempt(falsy.url(path), rest);
          assert.deepEqual([r.code, r.reason, connections], [4401, 'unauthorized', 0]);
        }
      } finally {
        await falsy.close();
      }
    });
  }
});

test('several token subprotocol entries → 4401', async () => {
  const entries = Array.from({ length: 50 }, (_, i) => PREFIX + encodeBase64Url(`t${i}`));
  const r = await attempt(g.url(), { protocols: ['authsocket', ...entries] });
  assert.equal(r.code, 4401);
});

test('many cookies: the token is still found; an oversized Cookie header is refused by Node (431)', async () => {
  const cookies = Array.from({ length: 400 }, (_, i) => `c${i}=${i}`).join('; ');
  const r = await attempt(g.url(), { headers: { Cookie: `${cookies}; ws_token=good` }, closeAfter: 1 });
  assert.deepEqual(r.messages, [{ type: 'welcome', user: 'alice' }]);
  const huge = Array.from({ length: 4000 }, (_, i) => `cookie${i}=value${i}`).join('; ');
  const refused = await attempt(g.url(), { headers: { Cookie: huge } });
  assert.equal(refused.status ?? refused.code, 431);
});

describe('a 64 KB token', () => {
  const big = 'x'.repeat(64 * 1024);

  test('in the URL, a header or a subprotocol: Node refuses the headers (431) before the gate', async () => {
    for (const options of [
      { path: `/?access_token=${big}` },
      { headers: { Authorization: `Bearer ${big}` } },
      { protocols: ['authsocket', PREFIX + encodeBase64Url(big)] },
    ]) {
      const { path = '/', ...rest } = options as { path?: string };
      const r = await attempt(g.url(path), rest);
      assert.equal(r.status, 431);
    }
  });

  test('in an auth message: bigger than limits.authFrameBytes (16 KiB) → 1009, verify not called, refused event', async () => {
    const before = g.verified.length;
    const r = await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: big })] });
    assert.deepEqual([r.messages, r.code, g.verified.length], [[], 1009, before]);
    assert.deepEqual([g.refusals.at(-1)?.code, g.refusals.at(-1)?.reason], [1009, 'auth frame too big']);
  });

  test('in an auth message, with authFrameBytes raised: verified like any other and refused with 4401', async () => {
    const roomy = await startGate({ limits: { authFrameBytes: 128 * 1024 } });
    try {
      const r = await attempt(roomy.url(), { send: [JSON.stringify({ type: 'auth', token: big })] });
      assert.deepEqual([r.messages, r.code], [[{ type: 'auth_error' }], 4401]);
    } finally {
      await roomy.close();
    }
  });
});

test('a first frame bigger than maxPayload (1 MiB) → 1009', async () => {
  const r = await attempt(g.url(), { send: ['x'.repeat(2 * 1024 * 1024)] });
  assert.equal(r.code, 1009);
});

test('non-JSON first frames → 1008', async () => {
  for (const frame of ['{', '\u0000\u0001', '{"type":"auth"', 'x'.repeat(10_000)]) {
    const r = await attempt(g.url(), { send: [frame] });
    assert.equal(r.code, 1008);
  }
});

describe('frames sent while verify runs (message carrier)', () => {
  let slow: TestGate<string>;
  let delivered: number;
  before(async () => {
    slow = await startGate({ verify: (token) => new Promise((resolve) => setTimeout(() => resolve(token === 'good' ? 'alice' : null), 200)) });
    delivered = 0;
    slow.gate.on('connection', () => { delivered++; });
  });
  after(() => slow.close());

  test('a few are held (with back-pressure) and reach the app in order after the ack', async () => {
    const frames = [JSON.stringify({ type: 'auth', token: 'good' }), ...Array.from({ length: 10 }, (_, i) => `m${i}`)];
    const r = await attempt(slow.url(), { send: frames, closeAfter: 12 });
    assert.deepEqual(r.messages.slice(0, 2), [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }]);
    assert.deepEqual(r.messages.slice(2), Array.from({ length: 10 }, (_, i) => ({ type: 'echo', data: `m${i}` })));
  });

  test('a flood in one write → 1008, nothing reaches the app', async () => {
    const before = delivered;
    const frames = [JSON.stringify({ type: 'auth', token: 'good' }), ...Array.from({ length: 200 }, (_, i) => `m${i}`)];
    const bytes = Buffer.concat([Buffer.from(upgradeRequest('/')), ...frames.map(maskedTextFrame)]);
    const { response } = await rawExchange(slow.port, bytes, 1_000);
    assert.equal(closeCodeIn(response), 1008);
    assert.equal(delivered, before);
  });
});

test('slowloris: upgrade, then silence → close frame 4401 within timeout, connection cut soon after', async () => {
  const started = Date.now();
  const { response, closed } = await rawExchange(g.port, upgradeRequest('/'), TIMEOUT + 5_000);
  assert.match(response, /^HTTP\/1\.1 101 /);
  assert.equal(closeCodeIn(response), 4401);
  assert.ok(closed, 'the server cut the silent connection');
  assert.ok(Date.now() - started < TIMEOUT + 4_000, `took ${Date.now() - started} ms`);
});

test('many silent sockets at once are all closed by the timeout', async () => {
  const sockets = await Promise.all(Array.from({ length: 50 }, () => attempt(g.url(), { timeoutMs: 5_000 })));
  for (const r of sockets) assert.deepEqual([r.code, r.reason], [4401, 'auth timeout']);
});

test('a client that resets the TCP connection while verify runs does not hurt the server', async () => {
  const slow = await startGate<string>({ verify: (token) => new Promise<string>((resolve) => setTimeout(() => resolve(token), 100)) });
  try {
    await Promise.all(Array.from({ length: 20 }, () => rawExchange(slow.port, upgradeRequest('/?access_token=good'), 20)));
    await within(new Promise((resolve) => setTimeout(resolve, 150)), 1_000, 'verify settles'); // let the verifies finish
    await assertServes(slow.url());
  } finally {
    await slow.close();
  }
});

test('fuzz: random upgrade requests never crash the gate or reach verify from a foreign origin', async () => {
  const pick = <T>(items: readonly T[]): T => items[randomBytes(1)[0] % items.length];
  // Some tokens make verify hang (bounded by verifyTimeout), some return a falsy non-null value.
  const fuzzGate = await startGate<unknown>({
    timeout: 200,
    carriers: ['header', 'subprotocol', 'query', 'cookie', 'message'],
    limits: { verifyTimeout: 300, authFrameBytes: 4096 },
    verify: async (token) => (token === 'good' ? 'alice' : token.includes('h') ? new Promise<never>(() => {}) : pick([null, 0, '', false])),
  });
  const origins = [ORIGIN, 'http://evil.other.test', '', 'null', ORIGIN.toUpperCase()];
  const junk = (max: number) => randomBytes(randomBytes(1)[0] % max).toString(pick(['latin1', 'base64', 'base64url', 'hex'] as const));
  const verifiedFromForeign: string[] = [];
  fuzzGate.gate.on('connection', (_socket, _user, req) => {
    if (req.headers.origin !== ORIGIN) verifiedFromForeign.push(String(req.headers.origin));
  });
  const deadline = Date.now() + 20_000;
  try {
    for (let batch = 0; batch < 10 && Date.now() < deadline; batch++) {
      await Promise.all(Array.from({ length: 20 }, () => {
        const headers = [
          pick(['', `Sec-WebSocket-Protocol: ${pick(['authsocket', junk(40), `authsocket, ${PREFIX}${junk(60)}`, `${PREFIX}${junk(30)}`,
            `authsocket,\u00a0${PREFIX}Z29vZA`, `authsocket\t,\t${PREFIX}Z29vZA`])}`]),
          pick(['', `Cookie: ${pick(['ws_token', junk(20)])}=${junk(80)}`, `Cookie: ws_token=good; ws_token=${junk(20)}`]),
          pick(['', `Authorization: ${pick(['Bearer', 'Basic', junk(8)])} ${junk(60)}`]),
          pick(['', `X-${junk(10).replace(/[^A-Za-z]/g, 'a')}: ${junk(30)}`]),
        ].filter(Boolean).map((line) => line.replace(/[\r\n]/g, ' '));
        const path = pick(['/', `/?access_token=${encodeURIComponent(junk(50))}`, `/?${junk(40)}`, `/${junk(20)}`]).replace(/[\s]/g, '');
        let request = upgradeRequest(path || '/', headers, pick(origins) || null);
        if (randomBytes(1)[0] < 40) request = request.slice(0, randomBytes(2).readUInt16BE() % request.length) + junk(100);
        return rawExchange(fuzzGate.port, request, 1_000);
      }));
      await assertServes(fuzzGate.url());
    }
    assert.deepEqual(verifiedFromForeign, []);
    for (const refusal of fuzzGate.refusals) assert.doesNotThrow(() => JSON.stringify(refusal)); // loggable, whatever came in
  } finally {
    await fuzzGate.close();
  }
});

test('the gate cannot be reached by a ws client that skips the Origin check either', async () => {
  const ws = new WebSocket(g.url('/?access_token=good'), { headers: { Origin: 'http://evil.other.test' } });
  const status = await within(new Promise<number | undefined>((resolve) => {
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode); ws.terminate(); });
    ws.on('open', () => resolve(undefined));
    ws.on('error', () => {});
  }), 5_000, 'evil ws client');
  assert.equal(status, 403);
});
