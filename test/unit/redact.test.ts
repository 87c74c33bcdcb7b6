// SecretRedactor: scrubs every form in which a carrier puts a token on the wire
// (raw, base64url for subprotocol, percent-encoded for query/cookie).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import Cookies from 'js-cookie';
import { createBasicCarrier } from '../../src/carriers/basic.ts';
import { createQueryCarrier } from '../../src/carriers/query.ts';
import { createSubprotocolCarrier } from '../../src/carriers/subprotocol.ts';
import { MIN_REDACT_ANYWHERE, SecretRedactor, wireForms } from '../../src/utils/redact.ts';

const TOKEN = 'tok en/+=é🔑-abc123';

test('redacts the raw token', () => {
  const redactor = new SecretRedactor();
  redactor.remember(TOKEN);
  const out = redactor.redact(`failed with ${TOKEN} twice: ${TOKEN}`);
  assert.equal(out, 'failed with [redacted] twice: [redacted]');
});

test('redacts the base64url form (subprotocol entry)', () => {
  const redactor = new SecretRedactor();
  redactor.remember(TOKEN);
  const out = redactor.redact(`offered base64url.bearer.${encodeBase64Url(TOKEN)}`);
  assert.ok(!out.includes(encodeBase64Url(TOKEN)));
  assert.equal(out, 'offered base64url.bearer.[redacted]');
});

test('redacts the percent-encoded form (query / cookie)', () => {
  const redactor = new SecretRedactor();
  redactor.remember(TOKEN);
  const out = redactor.redact(`wss://h/ws?access_token=${encodeURIComponent(TOKEN)}`);
  assert.ok(!out.includes(encodeURIComponent(TOKEN)));
  assert.equal(out, 'wss://h/ws?access_token=[redacted]');
});

test('redacts several remembered tokens', () => {
  const redactor = new SecretRedactor();
  redactor.remember('first-secret');
  redactor.remember('second-secret');
  assert.equal(redactor.redact('first-secret second-secret'), '[redacted] [redacted]');
});

test('leaves text without secrets alone; knows nothing before remember()', () => {
  const redactor = new SecretRedactor();
  assert.equal(redactor.redact('hello first-secret'), 'hello first-secret');
  redactor.remember('first-secret');
  assert.equal(redactor.redact('nothing here'), 'nothing here');
});

test('short tokens (below MIN_REDACT_ANYWHERE) are scrubbed where they stand whole, not inside other words', () => {
  const redactor = new SecretRedactor();
  redactor.remember('a');
  assert.equal(redactor.redact('a banana'), '[redacted] banana');
  assert.equal(redactor.redact('banana bread'), 'banana bread');
  assert.equal(MIN_REDACT_ANYWHERE, 8);
});

test('the most recent tokens are always scrubbed even after many refreshes', () => {
  const redactor = new SecretRedactor();
  for (let i = 0; i < 50; i++) redactor.remember(`rotating-token-${i}-xyz`);
  const last = 'rotating-token-49-xyz';
  assert.equal(redactor.redact(`${last} ${encodeBase64Url(last)}`), '[redacted] [redacted]');
});

// The wire forms, each produced by the code that really writes it.
const TRICKY = `tok en!'()~*"\\/+=&;é🔑-${'x'.repeat(4)}`;
const target = { url: new URL('wss://h.example/ws?room=1'), protocols: [] as string[] };
const context = { url: target.url, WebSocket: undefined };
const wire = (token: string) => ({
  query: createQueryCarrier({ auth: { token }, ...context } as never).prepare(token, target).url,
  queryNamed: createQueryCarrier({ auth: { token, param: 'ticket' }, ...context } as never).prepare(token, target).url,
  subprotocol: createSubprotocolCarrier({ auth: { token }, ...context } as never).prepare(token, target).protocols.join(', '),
  basic: createBasicCarrier({ auth: { token }, ...context } as never).prepare(token, target).url,
  cookie: `ws_token=${Cookies.converter.write(token, 'ws_token')}`,
  json: JSON.stringify({ type: 'auth', token }),
  jsonAscii: JSON.stringify({ type: 'auth', token }).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  jsonSlashes: JSON.stringify({ token }).replace(/\//g, '\\/'),
  base64: Buffer.from(token).toString('base64'),
});

for (const token of [TRICKY, 'tok en', "a+b!c'd(e)f~g*h", 'plainlongtoken123', 'ab', 'x!', 'é']) {
  test(`every wire form of ${JSON.stringify(token)} is redacted, wherever a server or log puts it`, () => {
    const redactor = new SecretRedactor();
    redactor.remember(token);
    for (const [carrier, text] of Object.entries(wire(token))) {
      const embedded = [
        text,
        `close reason: bad credential in ${text} (try again)`,
        encodeURIComponent(text), // the whole URL as a parameter of another one
        text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()), // re-encoded with lower-case hex
      ];
      for (const line of embedded) {
        const out = redactor.redact(line);
        assert.ok(out.includes('[redacted]'), `${carrier}: nothing redacted in ${line}`);
        // A long token leaves no trace in any form (a short one cannot be told from ordinary text).
        if (token.length >= MIN_REDACT_ANYWHERE) for (const form of wireForms(token)) assert.ok(!out.includes(form), `${carrier}: ${form} left in ${out}`);
      }
    }
  });
}

test('a token of 1–3 characters never survives in a URL, a cookie, an auth frame, a subprotocol entry or a reason', () => {
  for (const token of ['a', 'ab', 'abc', '!', 'é']) {
    const redactor = new SecretRedactor();
    redactor.remember(token);
    const texts = [
      `wss://h/ws?access_token=${encodeURIComponent(token)}`,
      `wss://h/ws?access_token=${encodeURIComponent(token)}&room=1`,
      `ws_token=${Cookies.converter.write(token, 'ws_token')}; other=1`,
      JSON.stringify({ type: 'auth', token }),
      `authsocket, base64url.bearer.${encodeBase64Url(token)}`,
      `invalid token ${token}`,
    ];
    for (const text of texts) {
      const out = redactor.redact(text);
      assert.ok(out.includes('[redacted]'), `${JSON.stringify(token)} not redacted in ${text}`);
    }
    assert.equal(redactor.redact('state connecting → open, attempt 1 of 5'), 'state connecting → open, attempt 1 of 5');
  }
});

test('a long token is redacted even inside a longer string', () => {
  const redactor = new SecretRedactor();
  redactor.remember('abcdefgh');
  assert.equal(redactor.redact('xxabcdefghyy'), 'xx[redacted]yy');
});

test('prefix-free overlap: the longest form wins, nothing of the token is left', () => {
  const redactor = new SecretRedactor();
  redactor.remember('secret token!');
  const out = redactor.redact(`a=${encodeURIComponent('secret token!')} b=${new URLSearchParams({ b: 'secret token!' }).toString().slice(2)}`);
  assert.equal(out, 'a=[redacted] b=[redacted]');
});

test('replacement patterns in the text are left as they are (`$1`, `$&`), before and after remember()', () => {
  const redactor = new SecretRedactor();
  assert.equal(redactor.redact('cost $1 $& $$'), 'cost $1 $& $$');
  redactor.remember('a-long-secret');
  redactor.remember('ab');
  assert.equal(redactor.redact('$1 a-long-secret $& ab $$'), '$1 [redacted] $& [redacted] $$');
  assert.equal(redactor.redact('x=ab&$1'), 'x=[redacted]&$1', 'the character before a short token is put back');
});
