// A real graphql-ws 6 server (the recipe's `serveGraphQL`) on 127.0.0.1 with a
// `tick` subscription the test drives, recording every upgrade and every frame.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import type { WebSocket } from 'ws';
import { serveGraphQL } from '../../../examples/recipes/graphql-ws-server.ts';
import { Waiters } from './waiters.ts';

export interface GraphQLConnection {
  ws: WebSocket;
  /** Text frames received, in order. */
  frames: string[];
  closed: boolean;
}

export interface GraphQLServer {
  url: string;
  /** Upgrade requests received (also the refused ones). */
  upgrades: number;
  connections: GraphQLConnection[];
  /** Tokens `verify` saw, in order. */
  verified: string[];
  /** Live `tick` subscriptions. */
  readonly active: number;
  /** Sends `tick: n` to every live subscription. */
  publish(n: number): void;
  waitFor(condition: () => boolean, what: string, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** Accepts tokens starting with `good`; `verify` returns null (→ 4403) for the rest. */
export async function startGraphQLServer(): Promise<GraphQLServer> {
  const waiters = new Waiters();
  const listeners = new Set<(n: number) => void>();
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString, resolve: () => 'world' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        tick: {
          type: GraphQLInt,
          subscribe: () => ticks(listeners, () => waiters.notify()),
          resolve: (n: number) => n,
        },
      },
    }),
  });
  const verified: string[] = [];
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const graphql = serveGraphQL(http, schema, async (token) => {
    verified.push(token);
    return token.startsWith('good') ? { name: 'alice' } : null;
  });
  const state: GraphQLServer = {
    url: '',
    upgrades: 0,
    connections: [],
    verified,
    get active() {
      return listeners.size;
    },
    publish: (n) => listeners.forEach((listener) => listener(n)),
    waitFor: (condition, what, ms) => waiters.waitFor(condition, what, ms),
    async close() {
      for (const client of graphql.wss.clients) client.terminate();
      await graphql.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  http.prependListener('upgrade', () => {
    state.upgrades++;
    waiters.notify();
  });
  graphql.wss.on('connection', (ws) => {
    const connection: GraphQLConnection = { ws, frames: [], closed: false };
    state.connections.push(connection);
    ws.on('message', (data) => {
      connection.frames.push(data.toString());
      waiters.notify();
    });
    ws.on('close', () => {
      connection.closed = true;
      waiters.notify();
    });
    waiters.notify();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  state.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  return state;
}

/** An async iterator of published numbers whose `return()` ends it at once (graphql-ws calls it on `complete`). */
function ticks(listeners: Set<(n: number) => void>, changed: () => void): AsyncIterableIterator<number> {
  const pending: number[] = [];
  let waiting: ((result: IteratorResult<number>) => void) | undefined;
  let done = false;
  const listener = (n: number) => {
    if (waiting) {
      const wake = waiting;
      waiting = undefined;
      wake({ value: n, done: false });
    } else pending.push(n);
  };
  listeners.add(listener);
  changed();
  const finish = (): Promise<IteratorResult<number>> => {
    done = true;
    listeners.delete(listener);
    changed();
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next: () => {
      if (pending.length > 0) return Promise.resolve({ value: pending.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: finish,
    throw: async (error) => {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
