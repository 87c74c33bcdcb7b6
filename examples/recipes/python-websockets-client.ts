// The browser side for the Python `websockets` server: the subprotocol carrier,
// with the app protocol the server selects offered first.
import { AuthSocket, type AuthSocketOptions } from 'authsocket';

export type ServerMsg = { type: 'welcome'; user: string; protocol: string } | { type: 'chat'; text: string };
export type ClientMsg = { type: 'chat'; text: string };

export function connectChat(url: string, ticket: () => Promise<string>, options: AuthSocketOptions<ServerMsg, ClientMsg> = {}) {
  return new AuthSocket<ServerMsg, ClientMsg>(url, {
    // Offered as ['chat.v1', 'base64url.bearer.<token>']: the server selects 'chat.v1'.
    protocols: ['chat.v1'],
    // Close 4401 → a fresh ticket and a retry; 4403 → `unauthorized`, no retry.
    auth: { via: 'subprotocol', token: ticket },
    ...options,
  });
}
