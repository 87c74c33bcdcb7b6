// base64url of a token's UTF-8 bytes: what the subprotocol carrier puts on the
// wire and the server decodes. Must survive any text and refuse sloppy input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBase64Url, encodeBase64Url } from '../../src/utils/base64url.ts';

const samples = [
  '',
  'a',
  'ab',
  'abc',
  'abcd',
  'with spaces in it',
  'comma,separated,values',
  'plus+slash/equals=',
  '???>>>~~~', // bytes whose standard base64 has + and /
  'héllo wörld',
  'Ελληνικά · 日本語 · עברית',
  'emoji 🔐🚀👩‍💻',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
  '\u0000\u0001\u007f',
];

test('round-trips spaces, commas, +, /, =, non-ASCII and emoji', () => {
  for (const text of samples) assert.equal(decodeBase64Url(encodeBase64Url(text)), text, JSON.stringify(text));
});

test('encodes the UTF-8 bytes (same as Buffer base64url)', () => {
  for (const text of samples) assert.equal(encodeBase64Url(text), Buffer.from(text, 'utf8').toString('base64url'), JSON.stringify(text));
});

test('output uses only the URL-safe alphabet, never padding', () => {
  for (const text of samples) assert.match(encodeBase64Url(text), /^[A-Za-z0-9_-]*$/, JSON.stringify(text));
  // 1 and 2 leftover bytes would need padding in standard base64.
  assert.equal(encodeBase64Url('a'), 'YQ');
  assert.equal(encodeBase64Url('ab'), 'YWI');
  assert.equal(encodeBase64Url('???>'), 'Pz8_Pg');
  assert.equal(encodeBase64Url('~~~'), 'fn5-');
});

test('strict decode: characters outside base64url → undefined', () => {
  for (const bad of ['a+b=', 'ab/c', 'ab c', 'YQ==', 'YQ=', 'Y!Q', 'Pz8/Pg', 'fn5+', 'ab\n']) {
    assert.equal(decodeBase64Url(bad), undefined, JSON.stringify(bad));
  }
});

test('strict decode: impossible lengths → undefined', () => {
  // A single leftover character cannot encode a byte.
  for (const bad of ['Y', 'YWJjZ', 'YWJjZGVmZ']) assert.equal(decodeBase64Url(bad), undefined, bad);
});

test('strict decode: non-canonical encodings (stray low bits) → undefined', () => {
  // 'YQ' is 'a'; 'YR'…'YT' carry the same byte with non-zero leftover bits.
  assert.equal(decodeBase64Url('YQ'), 'a');
  assert.equal(encodeBase64Url('ab'), 'YWI');
  for (const bad of ['YR', 'YS', 'YT', 'YWJ', 'YWK']) {
    assert.equal(decodeBase64Url(bad), undefined, bad);
  }
});

test('strict decode: bytes that are not valid UTF-8 → undefined', () => {
  const invalidUtf8 = Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url');
  assert.equal(decodeBase64Url(invalidUtf8), undefined);
  const loneContinuation = Buffer.from([0x80]).toString('base64url');
  assert.equal(decodeBase64Url(loneContinuation), undefined);
});

test('the empty string decodes to the empty string', () => {
  assert.equal(decodeBase64Url(''), '');
});
