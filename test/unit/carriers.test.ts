// Each carrier's `prepare`: what one attempt offers the server, from a token and
// the credential-free target. Construction-time refusals are checked too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CarrierContext } from '../../src/carriers/carrier.ts';
import { createCookieCarrier } from '../../src/carriers/cookie.ts';
import { createHeaderCarrier } from '../../src/carriers/header.ts';
import { createCarrier } from '../../src/carriers/index.ts';
import { createMessageCarrier } from '../../src/carriers/message.ts';
import { createQueryCarrier } from '../../src/carriers/query.ts';
import { createSubprotocolCarrier } from '../../src/carriers/subprotocol.ts';
import { AuthSocketError } from '../../src/errors/AuthSocketError.ts';
import type { AuthOptions, WebSocketConstructorLike } from '../../src/types.ts';
import { encodeBase64Url } from '../../src/utils/base64url.ts';

const code = (c: string) => (e: unknown) => e instanceof AuthSocketError && e.code === c;
const url = new URL('wss://api.example.com/ws?room=7');
const context = (auth: Partial<AuthOptions<any, any>>, WebSocket?: WebSocketConstructorLike): CarrierContext => ({
  auth: { via: 'subprotocol', token: 't', ...auth } as AuthOptions<any, any>,
  url,
  WebSocket,
});
const TOKEN = 'tök,en +/= 🔑';

// A ws-like constructor (accepts `{ headers }`); never constructed here.
class WsLike {
  static readonly CLOSING = 2;
  readyState = 0;
  binaryType = 'blob';
  send() {}
  close() {}
  addEventListener() {}
  removeEventListener() {}
  constructor(_url: string, _protocols?: string | string[], _options?: { headers?: Record<string, string> }) {}
}

// ── subprotocol ───────────────────────────────────────────────────────────

test("subprotocol: no app protocols → ['authsocket', prefix + base64url(token)]", () => {
  const carrier = createSubprotocolCarrier(context({ via: 'subprotocol' }));
  const plan = carrier.prepare(TOKEN, { url, protocols: [] });
  assert.deepEqual(plan.protocols, ['authsocket', `base64url.bearer.${encodeBase64Url(TOKEN)}`]);
  assert.equal(plan.url, url.href, 'the URL carries no credential');
  assert.equal(plan.headers, undefined);
});

test('subprotocol: app protocols → [...protocols, entry], the token entry last', () => {
  const carrier = createSubprotocolCarrier(context({ via: 'subprotocol' }));
  const plan = carrier.prepare(TOKEN, { url, protocols: ['chat.v2', 'chat.v1'] });
  assert.deepEqual(plan.protocols, ['chat.v2', 'chat.v1', `base64url.bearer.${encodeBase64Url(TOKEN)}`]);
});

test('subprotocol: a custom prefix is used; every entry is a valid HTTP token', () => {
  const carrier = createSubprotocolCarrier(context({ via: 'subprotocol', prefix: 'my.token.' }));
  const plan = carrier.prepare(TOKEN, { url, protocols: [] });
  assert.equal(plan.protocols.at(-1), `my.token.${encodeBase64Url(TOKEN)}`);
  for (const entry of plan.protocols) assert.match(entry, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
});

test('subprotocol: prepare does not mutate the target protocols', () => {
  const carrier = createSubprotocolCarrier(context({ via: 'subprotocol' }));
  const protocols = ['chat.v1'];
  carrier.prepare('a', { url, protocols });
  carrier.prepare('b', { url, protocols });
  assert.deepEqual(protocols, ['chat.v1']);
});

test('subprotocol: a prefix with non-token characters → INVALID_OPTIONS', () => {
  for (const prefix of ['bad prefix.', 'a,b', 'a=b', 'a/b', 'ä.']) {
    assert.throws(() => createSubprotocolCarrier(context({ via: 'subprotocol', prefix })), code('INVALID_OPTIONS'), prefix);
  }
});

// ── query ─────────────────────────────────────────────────────────────────

test('query: the token is set as access_token by default; other params kept', () => {
  const carrier = createQueryCarrier(context({ via: 'query' }));
  const plan = carrier.prepare(TOKEN, { url, protocols: ['chat.v1'] });
  const attempt = new URL(plan.url);
  assert.equal(attempt.searchParams.get('access_token'), TOKEN);
  assert.equal(attempt.searchParams.get('room'), '7');
  assert.equal(attempt.origin + attempt.pathname, 'wss://api.example.com/ws');
  assert.deepEqual(plan.protocols, ['chat.v1']);
});

test('query: a custom param name; an existing param of that name is replaced, not duplicated', () => {
  const carrier = createQueryCarrier(context({ via: 'query', param: 'ticket' }));
  const plan = carrier.prepare('abc', { url: new URL('wss://h/ws?ticket=old&x=1'), protocols: [] });
  const attempt = new URL(plan.url);
  assert.deepEqual(attempt.searchParams.getAll('ticket'), ['abc']);
  assert.equal(attempt.searchParams.get('x'), '1');
});

test('query: prepare leaves the target URL untouched (socket.url never holds the token)', () => {
  const carrier = createQueryCarrier(context({ via: 'query' }));
  const target = new URL('wss://h/ws');
  carrier.prepare('secret-token', { url: target, protocols: [] });
  assert.equal(target.href, 'wss://h/ws');
});

test('query: an empty param name → INVALID_OPTIONS', () => {
  assert.throws(() => createQueryCarrier(context({ via: 'query', param: '' })), code('INVALID_OPTIONS'));
});

// ── header ────────────────────────────────────────────────────────────────

test('header: without options.WebSocket → UNSUPPORTED_CARRIER', () => {
  assert.throws(() => createHeaderCarrier(context({ via: 'header' })), code('UNSUPPORTED_CARRIER'));
});

test('header: with the global (browser-like) WebSocket → UNSUPPORTED_CARRIER', () => {
  const g = globalThis as { WebSocket?: unknown };
  const saved = g.WebSocket;
  g.WebSocket = WsLike;
  try {
    assert.throws(() => createHeaderCarrier(context({ via: 'header' }, WsLike)), code('UNSUPPORTED_CARRIER'));
  } finally {
    if (saved === undefined) delete g.WebSocket;
    else g.WebSocket = saved;
  }
});

test('header: a ws-like constructor → Authorization: Bearer <token>, URL and protocols clean', () => {
  const carrier = createHeaderCarrier(context({ via: 'header' }, WsLike));
  const plan = carrier.prepare('abc.def', { url, protocols: ['chat.v1'] });
  assert.deepEqual(plan.headers, { Authorization: 'Bearer abc.def' });
  assert.equal(plan.url, url.href);
  assert.deepEqual(plan.protocols, ['chat.v1']);
});

test('header: a token with a line break is refused (header injection)', () => {
  const carrier = createHeaderCarrier(context({ via: 'header' }, WsLike));
  assert.throws(() => carrier.prepare('abc\r\nX-Evil: 1', { url, protocols: [] }), code('TOKEN_PROVIDER_FAILED'));
});

// ── message ───────────────────────────────────────────────────────────────

test('message: prepare adds nothing to URL or protocols', () => {
  const carrier = createMessageCarrier(context({ via: 'message' }));
  const plan = carrier.prepare('secret', { url, protocols: ['chat.v1'] });
  assert.deepEqual(plan, { url: url.href, protocols: ['chat.v1'] });
});

test('message: default frame is {"type":"auth","token"} and default timeout 10000', () => {
  const carrier = createMessageCarrier(context({ via: 'message' }));
  assert.ok(carrier.inBand);
  assert.deepEqual(JSON.parse(carrier.inBand.frame!('tok') as string), { type: 'auth', token: 'tok' });
  assert.equal(carrier.inBand.timeout, 10_000);
});

test('message: default verdicts read type auth_ok / auth_error, anything else is no verdict', () => {
  const { verdict } = createMessageCarrier(context({ via: 'message' })).inBand!;
  assert.equal(verdict({ type: 'auth_ok' }), 'ack');
  assert.equal(verdict({ type: 'auth_error', reason: 'expired' }), 'reject');
  for (const other of [{ type: 'chat' }, {}, null, undefined, 'auth_ok', 42, ['auth_ok'], { kind: 'auth_ok' }]) {
    assert.equal(verdict(other), undefined, JSON.stringify(other));
  }
});

test('message: custom message, isAck, isReject and timeout are used', () => {
  const carrier = createMessageCarrier(context({
    via: 'message',
    message: (token: string) => ({ op: 'login', jwt: token }),
    isAck: (m: any) => m?.op === 'welcome',
    isReject: (m: any) => m?.op === 'denied',
    timeout: 250,
  }));
  const inBand = carrier.inBand!;
  assert.deepEqual(inBand.frame!('t'), { op: 'login', jwt: 't' });
  assert.equal(inBand.verdict({ op: 'welcome' }), 'ack');
  assert.equal(inBand.verdict({ op: 'denied' }), 'reject');
  assert.equal(inBand.verdict({ type: 'auth_ok' }), undefined, 'the defaults no longer apply');
  assert.equal(inBand.timeout, 250);
});

test('message: a non-positive timeout → INVALID_OPTIONS', () => {
  for (const timeout of [0, -1, Number.NaN]) {
    assert.throws(() => createMessageCarrier(context({ via: 'message', timeout })), code('INVALID_OPTIONS'), String(timeout));
  }
});

// ── cookie and the registry ───────────────────────────────────────────────

test('cookie: in Node (no document) → UNSUPPORTED_CARRIER', () => {
  assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  assert.throws(() => createCookieCarrier(context({ via: 'cookie' })), code('UNSUPPORTED_CARRIER'));
});

test('createCarrier: picks the carrier named by auth.via', () => {
  assert.equal(createCarrier(context({ via: 'subprotocol' })).name, 'subprotocol');
  assert.equal(createCarrier(context({ via: 'query' })).name, 'query');
  assert.equal(createCarrier(context({ via: 'message' })).name, 'message');
  assert.equal(createCarrier(context({ via: 'header' }, WsLike)).name, 'header');
});

test('createCarrier: an unknown via (including prototype keys) → INVALID_OPTIONS', () => {
  for (const via of ['bearer', 'Subprotocol', '', 'toString', '__proto__', 'constructor']) {
    assert.throws(() => createCarrier(context({ via: via as never })), code('INVALID_OPTIONS'), via);
  }
});
