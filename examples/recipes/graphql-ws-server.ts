// The server half: graphql-ws 6 `useServer` on a `ws` server, reading the token
// from `connection_init`'s payload.
import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

export function serveGraphQL<User>(
  server: Server,
  schema: GraphQLSchema,
  verify: (token: string) => Promise<User | null>,
) {
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const graphql = useServer<{ token?: unknown }, { user: User }>(
    {
      schema,
      onConnect: async (ctx) => {
        const token = ctx.connectionParams?.token;
        const user = typeof token === 'string' ? await verify(token) : null;
        if (user === null) return false; // graphql-ws closes 4403 Forbidden: the client stops
        ctx.extra.user = user;
        return true; // graphql-ws answers connection_ack
      },
      context: (ctx) => ({ user: ctx.extra.user }),
    },
    wss,
  );
  return { wss, close: () => graphql.dispose() };
}
