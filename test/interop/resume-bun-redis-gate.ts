// One Bun gate instance as its own process for resume-bun-redis.test.ts: Bun.serve
// with authsocket/server/bun (the build) and `resume`, its sessions in Redis through
// createRedisSessions on Bun's own Redis client (RedisClient from "bun": one
// connection for commands, a duplicate for the subscriptions), and the demo app
// of test/server/resume-app.ts with its state in the same Redis through the same
// command connection (so its writes and the session's keep their order), on
// 127.0.0.1 at a random port. Prints `READY <port>`, then one JSON line per thing
// the app saw (`got`, `connection`, `close`) and per connection Bun closed
// (`link`: Bun's `close` handler, with the code and reason it was given).
// Clients without an Origin header (Node's `ws`) get in, and those from <origin>.
//   bun run resume-bun-redis-gate.ts <redis port> <instance name> <origin>
import { createAuthGate, createRedisSessions, type BunServer, type BunWebSocketHandler } from '../../dist/server/bun.js';
import { serveSession, type AppState } from '../server/resume-app.ts';

/** The part of Bun's RedisClient used here (bun-types is not installed). */
interface BunRedis {
  send(command: string, args: string[]): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<number>;
  duplicate(): Promise<BunRedis>;
  onclose: ((error: Error) => void) | null;
  onconnect: (() => void) | null;
  close(): void;
}
declare const Bun: {
  RedisClient: new (url: string) => BunRedis;
  serve(options: {
    hostname: string;
    port: number;
    fetch(req: Request, server: BunServer): Promise<Response | undefined> | Response | undefined;
    websocket: BunWebSocketHandler<string>;
  }): { port: number; stop(closeActiveConnections?: boolean): Promise<void> };
};

const [redisPort, instance = 'gate', allowedOrigin] = process.argv.slice(2);
const log = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ instance, ...line })}\n`);

const client = new Bun.RedisClient(`redis://127.0.0.1:${redisPort}`);
const subscriber = await client.duplicate();
// Bun's client reconnects after a Redis restart but does not subscribe again (Bun 1.4.5; it keeps
// the listeners): on every connection, SUBSCRIBE again (a no-op listener, so nothing runs twice).
const channels = new Set<string>();
subscriber.onconnect = () => { for (const channel of channels) void subscriber.subscribe(channel, () => {}).catch(() => {}); };
const store = createRedisSessions({
  redis: {
    command: ([name, ...args]) => client.send(name!, args),
    subscribe: (channel, onMessage) => {
      channels.add(channel);
      return subscriber.subscribe(channel, (message) => onMessage(message));
    },
    onError: (report) => { client.onclose = report; subscriber.onclose = report; },
  },
  onError: (error) => log({ error: String(error) }),
});
await store.ready;

const write = (command: string, args: string[]) => void client.send(command, args).catch((error) => log({ error: String(error) }));
const state: AppState = {
  got: (session, n) => write('RPUSH', [`app:got:${session}`, String(n)]),
  report: async (session) => ((await client.send('LRANGE', [`app:got:${session}`, '0', '-1'])) as string[]).map(Number),
  stream: async (session) => {
    const [count, every, last] = (await client.send('HMGET', [`app:stream:${session}`, 'count', 'every', 'last'])) as Array<string | null>;
    return count === null ? undefined : { count: Number(count), every: Number(every), last: Number(last) };
  },
  streamStarted: (session, count, every) => write('HSET', [`app:stream:${session}`, 'count', String(count), 'every', String(every), 'last', '0']),
  streamSent: (session, n) => write('HSET', [`app:stream:${session}`, 'last', String(n)]),
};

const gate = createAuthGate<string>({
  origins: (origin) => origin === undefined || origin === allowedOrigin,
  verify: (token) => (token === 'good' ? 'alice' : null),
  resume: { store },
});
/** With `resume`, `connection` gives the session socket (typed as Bun's socket, which has no `on`). */
type SessionSocket = { readonly readyState: number; send(data: string): void; on(event: string, listener: (...args: any[]) => void): unknown };
gate.on('connection', (bunSocket, _user, _req, info) => {
  const socket = bunSocket as unknown as SessionSocket;
  const { session = '', moved = false } = info ?? {};
  log({ connection: session, moved });
  socket.on('close', (code: number, reason: unknown) => log({ close: session, code, reason: String(reason) }));
  serveSession(socket, session, state, moved, () => {});
  socket.on('message', (data: unknown) => {
    const msg = JSON.parse(String(data)) as { type?: string; n?: number };
    if (msg.type === 'n') log({ got: msg.n });
  });
});
gate.on('error', (error) => log({ error: String(error) }));

// Bun's own `close` for every connection, before the gate's: what the instance's connections ended with.
const handlers = gate.websocket();
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (req, srv) => (req.headers.get('upgrade')?.toLowerCase() === 'websocket' ? gate.handle(req, srv) : new Response('not found', { status: 404 })),
  websocket: {
    ...handlers,
    close(ws, code, reason) {
      log({ link: 'closed', code, reason });
      handlers.close(ws, code, reason);
    },
  },
});
process.stdout.write(`READY ${server.port}\n`);

process.once('SIGTERM', async () => {
  await gate.close();
  store.close();
  await server.stop(true);
  client.close();
  subscriber.close();
  process.exit(0);
});
