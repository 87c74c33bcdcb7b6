// SecretRedactor: scrubs every form in which a carrier puts a token on the wire
// (raw, base64url for subprotocol, percent-encoded for query/cookie).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { SecretRedactor } from '../../src/utils/redact.ts';

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

test('very short tokens are not scrubbed (would mangle ordinary text)', () => {
  const redactor = new SecretRedactor();
  redactor.remember('a');
  assert.equal(redactor.redact('a banana'), 'a banana');
});

test('the most recent tokens are always scrubbed even after many refreshes', () => {
  const redactor = new SecretRedactor();
  for (let i = 0; i < 50; i++) redactor.remember(`rotating-token-${i}-xyz`);
  const last = 'rotating-token-49-xyz';
  assert.equal(redactor.redact(`${last} ${encodeBase64Url(last)}`), '[redacted] [redacted]');
});
