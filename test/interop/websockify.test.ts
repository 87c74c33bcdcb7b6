// authsocket through a real websockify (Debian package websockify) to a TCP echo
// service, with the recipe's client (docs/recipes/websockify.md): the query
// carrier with `param: 'token'` (TokenFile picks the target) and a binary codec.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { connectTcp } from '../../examples/recipes/websockify-client.ts';
import { nextEvent, recordEvents } from '../support/interop/client.ts';
import { freePort, spawnChild, waitForPort, type Child } from '../support/interop/processes.ts';
import { requireTool } from '../support/tools.ts';

const WEBSOCKIFY = '/usr/bin/websockify';
const needs = requireTool(WEBSOCKIFY, 'websockify', { probe: ['--help'] });
const FAST = { minDelay: 20, maxDelay: 100 };

describe('websockify to a TCP echo service', needs, () => {
  let echo: Server;
  let proxy: Child & { stderr(): string };
  let dir: string;
  let url: string;
  before(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'authsocket-websockify-'));
    writeFileSync(join(dir, 'tokens'), `ticket-7f3a: 127.0.0.1:${(echo.address() as { port: number }).port}\n`);
    const port = await freePort();
    proxy = spawnChild(WEBSOCKIFY, ['--token-plugin', 'TokenFile', '--token-source', join(dir, 'tokens'), `127.0.0.1:${port}`]);
    await waitForPort(port, proxy);
    url = `ws://127.0.0.1:${port}/`;
  });
  after(async () => {
    await proxy?.stop();
    echo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the token picks the target; bytes round-trip as binary frames', async () => {
    const socket = connectTcp(url, async () => 'ticket-7f3a', { WebSocket, reconnect: FAST });
    try {
      const sent = new Uint8Array([0, 1, 2, 250, 255, 10, 13]);
      const received = nextEvent<Uint8Array>(socket, 'message');
      socket.send(sent);
      assert.deepEqual([...(await received)], [...sent]);
    } finally {
      socket.close();
    }
  });

  test('a bad token: websockify cuts the connection before any HTTP answer (1006); a fresh token gets through', async () => {
    const tokens = ['ticket-wrong-91c2', 'ticket-7f3a'];
    let calls = 0;
    const socket = connectTcp(url, async () => tokens[Math.min(calls++, 1)]!, { WebSocket, reconnect: FAST });
    const log = recordEvents(socket);
    try {
      const sent = new Uint8Array([42]);
      const received = nextEvent<Uint8Array>(socket, 'message');
      socket.send(sent); // queued until the second attempt opens
      assert.deepEqual([...(await received)], [42]);
      assert.equal(calls, 2);
      assert.deepEqual(log.filter(([type]) => type === 'open').length, 1, 'only the good token opened');
      assert.deepEqual(log.filter(([type]) => type === 'close').map(([, info]) => [info.code, info.willReconnect]), [[1006, true]]);
      // websockify logs the bad token in clear: one more reason for single-use tickets.
      assert.match(proxy.stderr() + proxy.lines.join('\n'), /ticket-wrong-91c2/);
    } finally {
      socket.close();
    }
  });
});
