// authsocket against a real Python `websockets` server (Debian python3-websockets),
// the recipe's server script (docs/recipes/python-websockets.md), over 127.0.0.1.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { connectChat, type ServerMsg } from '../../examples/recipes/python-websockets-client.ts';
import { nextEvent, quietFor, recordEvents, untilState } from '../support/interop/client.ts';
import { start, type Child } from '../support/interop/processes.ts';
import { requireTool } from '../support/tools.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../examples/recipes/python_websockets_server.py', import.meta.url));
const needs = requireTool(PYTHON, 'python3-websockets', { probe: ['-c', 'import websockets'], what: "Python's websockets" });
const FAST = { minDelay: 20, maxDelay: 200 };

describe('Python websockets server', needs, () => {
  let server: Child;
  let url: string;
  before(async () => {
    const { child, line } = await start(PYTHON, [SCRIPT, '0'], /^\d+$/);
    server = child;
    url = `ws://127.0.0.1:${line}/`;
  });
  after(() => server?.stop());

  /** Tokens handed out, in order, from a list. */
  const provider = (list: string[]) => {
    const given: string[] = [];
    return { given, token: async () => { const token = list[given.length] ?? list.at(-1)!; given.push(token); return token; } };
  };

  test('subprotocol carrier: the server selects the app protocol, never the token entry; JSON round-trips', async () => {
    const { token } = provider(['good-1']);
    const socket = connectChat(url, token, { WebSocket, reconnect: FAST });
    try {
      const welcome = await nextEvent<ServerMsg>(socket, 'message');
      assert.deepEqual(welcome, { type: 'welcome', user: 'alice', protocol: 'chat.v1' });
      const echoed = nextEvent<ServerMsg>(socket, 'message');
      socket.send({ type: 'chat', text: 'héllo 🐍' });
      assert.deepEqual(await echoed, { type: 'chat', text: 'héllo 🐍' });
    } finally {
      socket.close();
    }
  });

  test('4401: a fresh credential and a retry', async () => {
    const { given, token } = provider(['expired-1', 'good-2']);
    const socket = connectChat(url, token, { WebSocket, reconnect: FAST });
    const log = recordEvents(socket);
    try {
      const welcome = await nextEvent<ServerMsg>(socket, 'message');
      assert.equal(welcome.type, 'welcome');
      assert.deepEqual(given, ['expired-1', 'good-2']);
      const closes = log.filter(([type]) => type === 'close').map(([, info]) => [info.code, info.willReconnect]);
      assert.deepEqual(closes, [[4401, true]]);
      assert.equal(log.filter(([type]) => type === 'unauthorized').length, 0);
    } finally {
      socket.close();
    }
  });

  test('4403: unauthorized {4403}, no retry', async () => {
    const { given, token } = provider(['banned-1', 'good-2']);
    const socket = connectChat(url, token, { WebSocket, reconnect: FAST });
    const unauthorized = await nextEvent<{ code: number }>(socket, 'unauthorized');
    assert.equal(unauthorized.code, 4403);
    await untilState(socket, 'closed');
    await quietFor(300); // ≫ the FAST backoff: a retry would have asked for a token by now
    assert.deepEqual(given, ['banned-1']);
  });

  test('a heartbeat: the server answers {"type":"ping"} with a pong', async () => {
    const { given, token } = provider(['good-1']);
    const socket = connectChat(url, token, { WebSocket, reconnect: FAST, heartbeat: { interval: 100, timeout: 300 } });
    const log = recordEvents(socket);
    try {
      await untilState(socket, 'open');
      await quietFor(1000); // ten heartbeat rounds
      assert.equal(log.filter(([type]) => type === 'close').length, 0, 'no heartbeat timeout');
      assert.deepEqual(given, ['good-1']);
    } finally {
      socket.close();
    }
  });
});
