// The gate reads Sec-WebSocket-Protocol exactly as `ws` does: a header `ws`
// would answer with 400 after `verify` ran must be refused before it (a
// single-use ticket would be spent on a handshake that fails).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { offeredProtocols } from '../../src/server/core/handshake.ts';
import type { GateRequest } from '../../src/server/core/runtime.ts';

// ws's own parser (not exported; loaded by path, for this comparison only).
const require = createRequire(import.meta.url);
const wsParse = require(join(dirname(require.resolve('ws')), 'lib', 'subprotocol.js')).parse as (header: string) => Set<string>;

const offered = (header: string) => offeredProtocols(requestWith(header));
const requestWith = (header: string): GateRequest => ({ method: 'GET', url: '/', header: (name) => (name === 'sec-websocket-protocol' ? header : undefined), native: undefined });
const byWs = (header: string): string[] | undefined => {
  try {
    return [...wsParse(header)];
  } catch {
    return undefined;
  }
};

test('hand-picked headers: same verdict and entries as ws', () => {
  for (const header of [
    'authsocket', 'authsocket, chat.v1', 'authsocket,chat.v1', 'a ,b', 'a\t,\tb', 'a, \t b',
    '', ' ', ',', 'a,', ',a', 'a,,b', 'a b', 'a, a', ' a', 'a ', '\ta', 'a\t',
    'a,\u00a0b', 'a\u00a0', '\u00a0a', 'a,b\u00a0', 'a\u2003,b', 'a,\u3000b', 'a\u00a0,b', 'é', 'a"b', 'a/b', 'a;b',
  ]) {
    assert.deepEqual(offered(header), byWs(header), JSON.stringify(header));
  }
});

test('fuzz: random headers over a tricky alphabet agree with ws', () => {
  const alphabet = ['a', 'b', 'A', '.', '-', '_', '~', ',', ' ', '\t', '\u00a0', '\u2003', '"', '/', '=', 'é', '\u3000', '!'];
  for (let i = 0; i < 20_000; i++) {
    const bytes = randomBytes(1 + (i % 9));
    const header = [...bytes].map((byte) => alphabet[byte % alphabet.length]).join('');
    assert.deepEqual(offered(header), byWs(header), JSON.stringify(header));
  }
});
