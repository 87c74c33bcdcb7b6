// The default codec: JSON over text frames; a binary frame needs a custom codec.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonCodec } from '../../src/core/codec.ts';
import { AuthSocket, jsonCodec as exported } from '../../src/index.ts';

test('encode is JSON.stringify', () => {
  assert.equal(jsonCodec.encode({ type: 'say', text: 'hi ✓' }), '{"type":"say","text":"hi ✓"}');
  assert.equal(jsonCodec.encode([1, 'two']), '[1,"two"]');
});

test('decode parses a text frame', () => {
  assert.deepEqual(jsonCodec.decode('{"type":"chat","n":1}'), { type: 'chat', n: 1 });
  assert.equal(jsonCodec.decode('"just a string"'), 'just a string');
});

test('a round trip keeps the message', () => {
  const msg = { a: [1, { b: null }], c: 'é' };
  assert.deepEqual(jsonCodec.decode(jsonCodec.encode(msg) as string), msg);
});

test('a binary frame throws (the default codec reads text only)', () => {
  assert.throws(() => jsonCodec.decode(new ArrayBuffer(4)), /binary frame/);
});

test('invalid JSON throws', () => {
  assert.throws(() => jsonCodec.decode('{not json'), SyntaxError);
});

test('the codec is exported from the entry and as AuthSocket.jsonCodec', () => {
  assert.equal(exported, jsonCodec);
  assert.equal(AuthSocket.jsonCodec, jsonCodec);
});
