// The gate's contract, carrier by carrier, with Node `ws` clients on loopback.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { createAuthGate, createTicketStore, Forbidden } from '../../src/server/index.ts';
import { within } from '../support/server-timeout.ts';
import { attempt, rawExchange, startGate, upgradeRequest, type TestGate } from '../support/server-gate.ts';

const PREFIX = 'base64url.bearer.';
const tokenEntry = (token: string) => PREFIX + encodeBase64Url(token);
const welcomed = (messages: unknown[]) => messages.some((m) => (m as { type?: string }).type === 'welcome');

describe('each carrier lets a good credential in', () => {
  let g: TestGate<string>;
  before(async () => { g = await startGate(); });
  after(() => g.close());

  test('subprotocol: selects authsocket, never the token entry', async () => {
    const r = await attempt(g.url(), { protocols: ['authsocket', tokenEntry('good')], closeAfter: 1 });
    assert.equal(r.protocol, 'authsocket');
    assert.deepEqual(r.messages, [{ type: 'welcome', user: 'alice' }]);
  });

  test('query: access_token', async () => {
    const r = await attempt(g.url('/?access_token=good'), { closeAfter: 1 });
    assert.deepEqual(r.messages, [{ type: 'welcome', user: 'alice' }]);
  });

  test('cookie: ws_token, percent-decoded', async () => {
    const gate = await startGate({ verify: async (t) => (t === 'good; =token' ? 'alice' : null) });
    try {
      const r = await attempt(gate.url(), { headers: { Cookie: `a=1; ws_token=${encodeURIComponent('good; =token')}; b=2` }, closeAfter: 1 });
      assert.deepEqual(r.messages, [{ type: 'welcome', user: 'alice' }]);
    } finally {
      await gate.close();
    }
  });

  test('header: Authorization: Bearer', async () => {
    const r = await attempt(g.url(), { headers: { Authorization: 'Bearer good' }, closeAfter: 1 });
    assert.deepEqual(r.messages, [{ type: 'welcome', user: 'alice' }]);
  });

  test('message: auth frame, auth_ok, then the app', async () => {
    const r = await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: 'good' })], closeAfter: 2 });
    assert.deepEqual(r.messages, [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }]);
  });

  test('message: frames sent before the ack reach the app after it, in order', async () => {
    const r = await attempt(g.url(), {
      send: [JSON.stringify({ type: 'auth', token: 'good' }), 'one', 'two'],
      closeAfter: 4,
    });
    assert.deepEqual(r.messages, [
      { type: 'auth_ok' }, { type: 'welcome', user: 'alice' },
      { type: 'echo', data: 'one' }, { type: 'echo', data: 'two' },
    ]);
  });
});

describe('refusals after the upgrade carry the codes the client understands', () => {
  let g: TestGate<string>;
  let errors: unknown[];
  before(async () => {
    errors = [];
    g = await startGate({
      verify: async (token) => {
        if (token === 'banned') throw new Forbidden('account suspended');
        if (token === 'boom') throw new Error('database down');
        return token === 'good' ? 'alice' : null;
      },
    });
    g.gate.on('error', (error) => errors.push(error));
  });
  after(() => g.close());

  test('invalid credential → 4401 unauthorized', async () => {
    const r = await attempt(g.url('/?access_token=nope'));
    assert.equal(r.opened, true);
    assert.deepEqual([r.code, r.reason], [4401, 'unauthorized']);
    assert.equal(welcomed(r.messages), false);
  });

  test('verify throws Forbidden → 4403 with its message', async () => {
    const r = await attempt(g.url('/?access_token=banned'));
    assert.deepEqual([r.code, r.reason], [4403, 'account suspended']);
  });

  test('verify throws anything else → 1011, error event, no detail leaked', async () => {
    const r = await attempt(g.url('/?access_token=boom'));
    assert.deepEqual([r.code, r.reason], [1011, 'verify failed']);
    assert.equal((errors.at(-1) as Error).message, 'database down');
  });

  test('message carrier: bad token → auth_error then 4401', async () => {
    const r = await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: 'nope' })] });
    assert.deepEqual(r.messages, [{ type: 'auth_error' }]);
    assert.equal(r.code, 4401);
  });

  test('message carrier: Forbidden → auth_error then 4403', async () => {
    const r = await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: 'banned' })] });
    assert.deepEqual(r.messages, [{ type: 'auth_error' }]);
    assert.equal(r.code, 4403);
  });

  test('message carrier: auth frame without a token string → auth_error then 4401', async () => {
    const r = await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: 42 })] });
    assert.deepEqual([r.messages, r.code], [[{ type: 'auth_error' }], 4401]);
  });

  test('message carrier: a first frame that is not an auth message → 1008', async () => {
    for (const frame of ['hello', JSON.stringify({ type: 'chat', text: 'hi' }), 'null', '[]']) {
      const r = await attempt(g.url(), { send: [frame] });
      assert.equal(r.code, 1008, frame);
      assert.deepEqual(r.messages, []);
    }
  });

  test('message carrier: a binary first frame → 1008', async () => {
    const { WebSocket } = await import('ws');
    const code = await within(new Promise<number>((resolve) => {
      const ws = new WebSocket(g.url(), { origin: 'http://app.example.test' });
      ws.on('open', () => ws.send(Buffer.from(JSON.stringify({ type: 'auth', token: 'good' }))));
      ws.on('close', (c) => resolve(c));
    }), 5_000, 'binary first frame');
    assert.equal(code, 1008);
  });

  test('two token subprotocol entries → 4401, verify not called', async () => {
    const before = g.verified.length;
    const r = await attempt(g.url(), { protocols: ['authsocket', tokenEntry('good'), tokenEntry('other')] });
    assert.equal(r.code, 4401);
    assert.equal(g.verified.length, before);
  });
});

test('message carrier: no auth frame within timeout → 4401 auth timeout', async () => {
  const g = await startGate({ timeout: 200 });
  try {
    const started = Date.now();
    const r = await attempt(g.url());
    assert.deepEqual([r.code, r.reason], [4401, 'auth timeout']);
    assert.ok(Date.now() - started < 2_000);
  } finally {
    await g.close();
  }
});

test('without the message carrier, a missing credential → 4401 at once', async () => {
  const g = await startGate({ carriers: ['query', 'header'] });
  try {
    const r = await attempt(g.url(), { headers: { Cookie: 'ws_token=good' } }); // cookie carrier is off
    assert.deepEqual([r.code, r.reason], [4401, 'unauthorized']);
    assert.deepEqual(g.verified, []);
    assert.equal(g.refusals.at(-1)?.reason, 'no credential');
  } finally {
    await g.close();
  }
});

test('precedence: header, subprotocol, query, cookie', async () => {
  const g = await startGate({ verify: async () => null });
  try {
    const all = {
      headers: { Authorization: 'Bearer from-header', Cookie: 'ws_token=from-cookie' },
      protocols: ['authsocket', tokenEntry('from-subprotocol')],
    };
    await attempt(g.url('/?access_token=from-query'), all);
    await attempt(g.url('/?access_token=from-query'), { ...all, headers: { Cookie: 'ws_token=from-cookie' } });
    await attempt(g.url('/?access_token=from-query'), { headers: { Cookie: 'ws_token=from-cookie' } });
    await attempt(g.url('/'), { headers: { Cookie: 'ws_token=from-cookie' } });
    assert.deepEqual(g.verified, ['from-header', 'from-subprotocol', 'from-query', 'from-cookie']);
  } finally {
    await g.close();
  }
});

test('verify learns the carrier', async () => {
  const carriers: string[] = [];
  const g = await startGate({ verify: async (_t, _req, context) => { carriers.push(context.carrier); return 'alice'; } });
  try {
    await attempt(g.url('/?access_token=x'), { closeAfter: 1 });
    await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: 'x' })], closeAfter: 2 });
    assert.deepEqual(carriers, ['query', 'message']);
  } finally {
    await g.close();
  }
});

describe('protocol selection', () => {
  let g: TestGate<string>;
  before(async () => { g = await startGate({ protocols: ['chat.v1', 'chat.v2'] }); });
  after(() => g.close());

  test("the first of the gate's protocols that the client offered", async () => {
    const r = await attempt(g.url(), { protocols: ['chat.v2', 'chat.v1', tokenEntry('good')], closeAfter: 1 });
    assert.equal(r.protocol, 'chat.v1');
    assert.ok(welcomed(r.messages));
  });

  test('else authsocket', async () => {
    const r = await attempt(g.url('/?access_token=good'), { protocols: ['authsocket'], closeAfter: 1 });
    assert.equal(r.protocol, 'authsocket');
  });

  test('only the token entry offered → HTTP 400, verify not called', async () => {
    const before = g.verified.length;
    const r = await attempt(g.url(), { protocols: [tokenEntry('good')] });
    assert.equal(r.status, 400);
    assert.equal(g.verified.length, before);
  });

  test('nothing selectable → HTTP 400 before verify (a ticket is not spent)', async () => {
    const before = g.verified.length;
    const r = await attempt(g.url('/?access_token=good'), { protocols: ['chat.v3'] });
    assert.equal(r.status, 400);
    assert.equal(g.verified.length, before);
  });

  test('no subprotocol offered at all → accepted without one', async () => {
    const r = await attempt(g.url('/?access_token=good'), { closeAfter: 1 });
    assert.equal(r.protocol, '');
    assert.ok(welcomed(r.messages));
  });
});

describe('Origin', () => {
  let g: TestGate<string>;
  before(async () => { g = await startGate(); });
  after(() => g.close());

  test('a foreign or missing Origin → HTTP 403, verify never called', async () => {
    for (const origin of ['http://evil.other.test', 'http://app.example.test:8080', 'https://app.example.test', 'null']) {
      const r = await attempt(g.url('/?access_token=good'), { origin });
      assert.equal(r.status, 403, origin);
    }
    const { response } = await rawExchange(g.port, upgradeRequest('/?access_token=good', [], null));
    assert.match(response, /^HTTP\/1\.1 403 /);
    assert.deepEqual(g.verified, []);
    assert.equal(g.refusals.at(-1)?.reason, 'origin not allowed');
  });

  test('allowlist entries are normalised like browsers send them', async () => {
    const gate = await startGate({ origins: ['HTTP://App.Example.Test:80/'] });
    try {
      const r = await attempt(gate.url('/?access_token=good'), { closeAfter: 1 });
      assert.ok(welcomed(r.messages));
    } finally {
      await gate.close();
    }
  });

  test('a predicate may let Node clients without Origin in', async () => {
    const gate = await startGate({ origins: (origin) => origin === undefined });
    try {
      const r = await attempt(gate.url('/?access_token=good'), { origin: undefined, closeAfter: 1 });
      assert.ok(welcomed(r.messages));
      const refused = await attempt(gate.url('/?access_token=good'));
      assert.equal(refused.status, 403);
    } finally {
      await gate.close();
    }
  });

  test('a predicate that throws refuses', async () => {
    const gate = await startGate({ origins: () => { throw new Error('oops'); } });
    try {
      assert.equal((await attempt(gate.url('/?access_token=good'))).status, 403);
    } finally {
      await gate.close();
    }
  });

  test('origins is required; wildcards and "null" are refused at creation', () => {
    const verify = async () => 'x';
    assert.throws(() => createAuthGate({ verify } as never), /origins/);
    assert.throws(() => createAuthGate({ verify, origins: ['*'] }), /wildcard/);
    assert.throws(() => createAuthGate({ verify, origins: ['https://*.example.com'] }), /wildcard/);
    assert.throws(() => createAuthGate({ verify, origins: ['null'] }), TypeError);
    assert.throws(() => createAuthGate({ verify, origins: ['app.example.com'] }), TypeError);
  });
});

test('options are checked at creation', () => {
  const base = { origins: ['https://a.example'], verify: async () => 'x' };
  assert.throws(() => createAuthGate({ ...base, verify: undefined as never }), /verify/);
  assert.throws(() => createAuthGate({ ...base, carriers: ['smoke' as never] }), /carrier/);
  assert.throws(() => createAuthGate({ ...base, carriers: ['basic', 'message'] }), /basic/);
  assert.throws(() => createAuthGate({ ...base, timeout: 0 }), /timeout/);
  assert.throws(() => createAuthGate({ ...base, prefix: 'bad prefix' }), /prefix/);
  assert.throws(() => createAuthGate({ ...base, param: '' }), /param/);
});

test('single-use tickets end to end: the second use is refused with 4401', async () => {
  const tickets = createTicketStore({ ttl: 30_000 });
  const g = await startGate({ verify: (ticket) => tickets.redeem(ticket) });
  try {
    const ticket = await tickets.issue('alice');
    const first = await attempt(g.url(`/?access_token=${ticket}`), { closeAfter: 1 });
    assert.deepEqual(first.messages, [{ type: 'welcome', user: 'alice' }]);
    const second = await attempt(g.url(`/?access_token=${ticket}`));
    assert.equal(second.code, 4401);
  } finally {
    await g.close();
  }
});

test('the socket reaches the app only after success', async () => {
  const g = await startGate();
  let connections = 0;
  g.gate.on('connection', () => { connections++; });
  try {
    await attempt(g.url('/?access_token=bad'));
    await attempt(g.url(), { send: ['not auth'] });
    await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: 'bad' })] });
    assert.equal(connections, 0);
    await attempt(g.url('/?access_token=good'), { closeAfter: 1 });
    assert.equal(connections, 1);
  } finally {
    await g.close();
  }
});

test('attach returns a detach; close() closes sockets with 1001 and refuses new upgrades', async () => {
  const g = await startGate();
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(g.url('/?access_token=good'), { origin: 'http://app.example.test' });
  await within(new Promise((resolve) => ws.once('message', resolve)), 5_000, 'welcome');
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('close', () => ws.terminate());
  await within(g.gate.close(), 5_000, 'gate.close()');
  assert.equal(await within(closed, 5_000, 'client close'), 1001);
  assert.equal(g.gate.clients.size, 0);
  const { response } = await rawExchange(g.port, upgradeRequest('/?access_token=good'));
  assert.match(response, /^HTTP\/1\.1 503 /);
  g.server.closeAllConnections();
  await within(new Promise((resolve) => g.server.close(resolve)), 5_000, 'server close');
});

test('a connection listener that throws: error event, socket closed with 1011, server keeps serving', async () => {
  const g = await startGate();
  const errors: unknown[] = [];
  g.gate.on('error', (error) => errors.push(error));
  let fail = true;
  g.gate.on('connection', () => { if (fail) throw new Error('app bug'); });
  try {
    const viaQuery = await attempt(g.url('/?access_token=good'));
    const viaMessage = await attempt(g.url(), { send: [JSON.stringify({ type: 'auth', token: 'good' })] });
    assert.deepEqual([viaQuery.code, viaMessage.code], [1011, 1011]);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['app bug', 'app bug']);
    fail = false;
    const ok = await attempt(g.url('/?access_token=good'), { closeAfter: 1 });
    assert.ok(welcomed(ok.messages));
  } finally {
    await g.close();
  }
});
