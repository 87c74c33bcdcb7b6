// docs/protocol.md's test vectors are what the client really sends: each is
// computed here by the client's own carriers (js-cookie included), must appear
// verbatim in the doc, and reads back to the token through the gate's readers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { AttemptTarget, CarrierContext } from '../../src/carriers/carrier.ts';
import { createCookieCarrier } from '../../src/carriers/cookie.ts';
import { createHeaderCarrier } from '../../src/carriers/header.ts';
import { createMessageCarrier } from '../../src/carriers/message.ts';
import { createQueryCarrier } from '../../src/carriers/query.ts';
import { createSubprotocolCarrier } from '../../src/carriers/subprotocol.ts';
import { extractCredential } from '../../src/server/core/credentials.ts';
import type { GateRequest } from '../../src/server/core/runtime.ts';
import { offeredProtocols, selectProtocol } from '../../src/server/core/handshake.ts';
import { DEFAULT_CARRIERS } from '../../src/server/core/settings.ts';
import type { AuthOptions, WebSocketConstructorLike } from '../../src/types.ts';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
const TOKENS = ['a+b c%2F;é', '🎟️ ?>'];
const url = new URL('ws://localhost:8080/live');
const target: AttemptTarget = { url, protocols: [] };
const context = (via: AuthOptions<any, any>['via'], WebSocket?: WebSocketConstructorLike): CarrierContext => ({
  auth: { via, token: 't' } as AuthOptions<any, any>,
  url,
  WebSocket,
});
const gateSettings = { carriers: new Set(DEFAULT_CARRIERS), param: 'access_token', prefix: 'base64url.bearer.', cookie: 'ws_token' };

/** What the gate reads from an upgrade request with these parts. */
function gateReads(parts: { url?: string; headers?: Record<string, string> }) {
  const headers = parts.headers ?? {};
  const req: GateRequest = { method: 'GET', url: parts.url ?? '/live', header: (name) => headers[name], native: undefined };
  const offered = offeredProtocols(req)!;
  return { credential: extractCredential(req, gateSettings, offered), selected: selectProtocol(offered, [], gateSettings.prefix) };
}

/** The `Cookie` pair the cookie carrier writes for `token`, through js-cookie on a stand-in page. */
async function cookiePair(token: string): Promise<string> {
  const written: string[] = [];
  const page = globalThis as { document?: unknown; location?: unknown };
  page.document = { get cookie() { return ''; }, set cookie(line: string) { written.push(line); } };
  page.location = { hostname: 'localhost', protocol: 'http:' };
  try {
    // One attempt: it takes the carrier's lock, then writes the cookie (its removal comes at settle).
    const carrier = createCookieCarrier(context('cookie'));
    const attempt = {};
    await carrier.acquire!(attempt);
    carrier.prepare(token, target, attempt);
  } finally {
    delete page.document;
    delete page.location;
  }
  assert.equal(written.length, 1);
  return written[0]!.split(';')[0]!;
}

for (const token of TOKENS) {
  test(`vectors for ${JSON.stringify(token)}: the client's encodings are in docs/protocol.md and the gate reads them back`, async () => {
    const protocols = createSubprotocolCarrier(context('subprotocol')).prepare(token, target).protocols;
    const header = `Sec-WebSocket-Protocol: ${protocols.join(', ')}`;
    assert.ok(doc.includes(`\`${header}\``), `doc has ${header}`);
    const fromSubprotocol = gateReads({ headers: { 'sec-websocket-protocol': protocols.join(', ') } });
    assert.deepEqual(fromSubprotocol.credential, { kind: 'found', carrier: 'subprotocol', token });
    assert.equal(fromSubprotocol.selected, 'authsocket', 'the app protocol, never the token entry');

    const query = new URL(createQueryCarrier(context('query')).prepare(token, target).url).search;
    assert.ok(doc.includes(`\`GET /live${query} HTTP/1.1\``), `doc has ${query}`);
    assert.deepEqual(gateReads({ url: `/live${query}` }).credential, { kind: 'found', carrier: 'query', token });

    const cookie = await cookiePair(token);
    assert.ok(doc.includes(`\`Cookie: ${cookie}\``), `doc has ${cookie}`);
    assert.deepEqual(gateReads({ headers: { cookie } }).credential, { kind: 'found', carrier: 'cookie', token });

    class NodeWebSocket {}
    const bearer = createHeaderCarrier(context('header', NodeWebSocket as unknown as WebSocketConstructorLike)).prepare(token, target).headers!;
    assert.ok(doc.includes(`\`Authorization: ${bearer.Authorization}\``), `doc has ${bearer.Authorization}`);
    assert.deepEqual(gateReads({ headers: { authorization: bearer.Authorization! } }).credential, { kind: 'found', carrier: 'header', token });

    const frame = createMessageCarrier(context('message')).inBand!.frame!(token);
    assert.ok(doc.includes(`\`${frame}\``), `doc has ${frame}`);
  });
}

test('the traps the doc warns of are real: form-decoding the cookie, or percent-decoding the query alone, breaks the token', async () => {
  const [token] = TOKENS as [string];
  const cookieValue = (await cookiePair(token)).slice('ws_token='.length);
  const formDecoded = new URLSearchParams(`v=${cookieValue}`).get('v'); // Python's unquote_plus, Go's QueryUnescape
  assert.notEqual(formDecoded, token);
  assert.equal(decodeURIComponent(cookieValue), token);
  const queryValue = new URL(createQueryCarrier(context('query')).prepare(token, target).url).search.slice('?access_token='.length);
  assert.notEqual(decodeURIComponent(queryValue), token, 'the query needs form decoding: + is a space');
});
