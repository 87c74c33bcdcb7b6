// What the framework and runtime tests send: the token `a+b c%2F;é`, encoded
// by each carrier as the client encodes it, and a `ws` client that sends the
// allowed Origin.
import assert from 'node:assert/strict';
import { WebSocket, type ClientOptions } from 'ws';
import { AuthSocket } from '../../src/index.ts';
import { ORIGIN } from '../support/server-gate.ts';
import { within } from '../support/server-timeout.ts';

/** A token with every character a carrier could mangle. */
export const TOKEN = 'a+b c%2F;é';

/** Per carrier: what a `ws` attempt on `/live` adds to carry {@link TOKEN}. */
export const VECTORS: Record<string, { query?: string; protocols?: string[]; headers?: Record<string, string>; send?: string[] }> = {
  subprotocol: { protocols: ['authsocket', 'base64url.bearer.YStiIGMlMkY7w6k'] },
  query: { query: '?access_token=a%2Bb+c%252F%3B%C3%A9' },
  cookie: { headers: { Cookie: 'ws_token=a+b%20c%252F%3B%C3%A9' } },
  header: { headers: { Authorization: `Bearer ${TOKEN}` } },
  message: { send: [JSON.stringify({ type: 'auth', token: TOKEN })] },
};

/** What the gate's echo app sends first when {@link TOKEN} is admitted through `via`. */
export const welcomeFor = (via: string) => [...(via === 'message' ? [{ type: 'auth_ok' }] : []), { type: 'welcome', user: 'alice' }];

/** The client in Node sends no Origin by itself; a browser would send the page's. */
export class OriginWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[], options: ClientOptions = {}) {
    super(url, protocols, { ...options, origin: ORIGIN });
  }
}

/**
 * The client (in Node) against a gate on `url` that admits {@link TOKEN} and
 * throws Forbidden for `banned`: a refused credential (4401) is followed by a
 * fresh one that gets in; a forbidden one (4403) stops it with `unauthorized`.
 */
export async function assertAuthFailurePolicy(url: string): Promise<void> {
  let calls = 0;
  const closes: number[] = [];
  const fresh = new AuthSocket<unknown>(url, {
    WebSocket: OriginWebSocket as never,
    auth: { via: 'subprotocol', token: () => (++calls === 1 ? 'bad' : TOKEN) },
    reconnect: { minDelay: 10, maxDelay: 20 },
  });
  fresh.on('close', ({ code }) => closes.push(code));
  try {
    const welcome = await within(new Promise((resolve) => fresh.once('message', resolve)), 5_000, 'welcome after a fresh credential');
    assert.deepEqual([closes[0], calls, welcome], [4401, 2, { type: 'welcome', user: 'alice' }]);
  } finally {
    fresh.close();
  }
  const banned = new AuthSocket(url, {
    WebSocket: OriginWebSocket as never,
    auth: { via: 'query', token: () => 'banned' },
    reconnect: { minDelay: 10, maxDelay: 20 },
  });
  const unauthorized = await within(new Promise<{ code: number }>((resolve) => banned.once('unauthorized', resolve)), 5_000, 'unauthorized');
  assert.deepEqual([unauthorized.code, banned.state], [4403, 'closed']);
}
