// longestLine: which line of the handshake request a credential makes longest,
// in UTF-8 bytes (the unopened hint and the 16 KB check name it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longestLine } from '../../src/core/requestSize.ts';

const plan = (url: string, protocols: string[] = [], headers?: Record<string, string>) => ({ url: new URL(url), protocols, headers }) as never;

test('longestLine: the request line when nothing else is longer (ties go to the request line)', () => {
  assert.deepEqual(longestLine(plan('wss://h/ws?t=é')), { line: 'request line', bytes: 'GET /ws?t=%C3%A9 HTTP/1.1'.length });
  const requestLine = 'GET /abcdefghijklmnopqrstu HTTP/1.1'; // as long as the protocol line below
  assert.equal(longestLine(plan('wss://h/abcdefghijklmnopqrstu', ['a'.repeat(requestLine.length - 24)])).line, 'request line');
});

test('longestLine: the Sec-WebSocket-Protocol header, or a carrier header, in bytes', () => {
  const entry = 'x'.repeat(100);
  assert.deepEqual(longestLine(plan('wss://h/', ['chat', entry])), { line: 'Sec-WebSocket-Protocol header', bytes: `Sec-WebSocket-Protocol: chat, ${entry}`.length });
  assert.deepEqual(longestLine(plan('wss://h/', ['chat'], { Authorization: `Bearer ${'é'.repeat(60)}` })), { line: 'Authorization header', bytes: 'Authorization: Bearer '.length + 120 });
});
