// Creates clients on the fake WebSocket for one test file: every test starts
// with no fake sockets, and every client it made is closed afterwards.
import { afterEach, beforeEach } from 'node:test';
import { AuthSocket, type AuthSocketOptions } from '../../src/index.ts';
import { FAST, FakeWebSocket } from './fake-websocket.ts';

export type Msg = { type: string; [key: string]: unknown };

export function useClients(): {
  create(options?: AuthSocketOptions<Msg, Msg>, url?: string): AuthSocket<Msg, Msg>;
  /** A provider of distinct tokens (`token-1`, `token-2`, …), counted per test. */
  freshToken(): string;
  /** How many tokens `freshToken` gave out in this test. */
  issued(): number;
} {
  const sockets: AuthSocket<Msg, Msg>[] = [];
  let tokens = 0;
  beforeEach(() => {
    FakeWebSocket.reset();
    tokens = 0;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  return {
    create(options = {}, url = 'wss://api.example.com/ws') {
      const socket = new AuthSocket<Msg, Msg>(url, { WebSocket: FakeWebSocket, reconnect: FAST, ...options });
      sockets.push(socket);
      return socket;
    },
    freshToken: () => `token-${++tokens}`,
    issued: () => tokens,
  };
}
