// graphql-ws (protocol `graphql-transport-ws`) through authsocket's message carrier:
// the token travels in `connection_init`, `connection_ack` opens, and `setup`
// subscribes again on every connection (first, reconnect, make-before-break refresh).
import { AuthSocket, type AuthSocketOptions } from 'authsocket';

/** Frames a graphql-ws server sends. */
export type ServerFrame =
  | { type: 'connection_ack'; payload?: Record<string, unknown> }
  | { type: 'next'; id: string; payload: { data?: unknown; errors?: unknown[] } }
  | { type: 'error'; id: string; payload: unknown[] }
  | { type: 'complete'; id: string }
  | { type: 'ping' | 'pong'; payload?: Record<string, unknown> };

/** Frames this client sends. */
export type ClientFrame =
  | { type: 'connection_init'; payload: { token: string } }
  | { type: 'subscribe'; id: string; payload: Operation }
  | { type: 'complete'; id: string }
  | { type: 'ping' | 'pong' };

export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

/** graphql-ws's own close codes, and what the client should do about each. */
export const GRAPHQL_WS_CLOSE_CODES = {
  4400: 'fatal', //     bad message: our bug, sending it again will not help
  4403: 'forbidden', // onConnect returned false
  4406: 'fatal', //     subprotocol not acceptable
  4408: 'retry', //     no connection_init in time
  4409: 'fatal', //     a subscriber for this id already exists
  4429: 'fatal', //     a second connection_init: in-place refresh is not in this protocol
  4500: 'retry', //     internal server error
} as const;

type Options = Omit<AuthSocketOptions<ServerFrame, ClientFrame>, 'auth' | 'protocols' | 'setup'>;

/** A graphql-ws client whose subscriptions survive every reconnect and refresh. */
export function createGraphQLClient(url: string, token: () => Promise<string>, options: Options = {}) {
  /** The app's live subscriptions: `setup` replays them on every new connection. */
  const subscriptions = new Map<string, Operation>();
  const socket = new AuthSocket<ServerFrame, ClientFrame>(url, {
    protocols: ['graphql-transport-ws'],
    auth: {
      via: 'message',
      token,
      message: (token) => ({ type: 'connection_init', payload: { token } }),
      isAck: (frame) => frame.type === 'connection_ack',
      // No reject frame in this protocol: onConnect returning false closes 4403.
      isReject: () => false,
    },
    closeCodes: GRAPHQL_WS_CLOSE_CODES,
    setup: (connection) => {
      for (const [id, payload] of subscriptions) connection.send({ type: 'subscribe', id, payload });
    },
    // graphql-ws answers {"type":"ping"} (the default ping) with {"type":"pong"}.
    heartbeat: { interval: 15_000, timeout: 5_000 },
    ...options,
  });
  // The server may ping too; the protocol wants a pong.
  socket.on('message', (frame) => {
    if (frame.type === 'ping') socket.send({ type: 'pong' });
  });
  return {
    socket,
    subscribe(id: string, operation: Operation): void {
      subscriptions.set(id, operation);
      // While not open, `setup` subscribes on the next connection: sending now too would
      // subscribe twice (4409).
      if (socket.state === 'open') socket.send({ type: 'subscribe', id, payload: operation });
    },
    unsubscribe(id: string): void {
      if (subscriptions.delete(id) && socket.state === 'open') socket.send({ type: 'complete', id });
    },
  };
}
