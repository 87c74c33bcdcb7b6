// One gate instance as its own process for the two-instance resume test: a
// gate with `resume` whose sessions live in Redis (createRedisSessions), the
// demo app of test/server/resume-app.ts with its state in the same Redis
// through the same connection (so its writes and the session's keep their
// order), on 127.0.0.1 at a random port. Prints `READY <port>`, then one JSON
// line per thing the app saw (`got`, `connection`, `close`): stdout is a pipe,
// written synchronously, so a killed instance's log is complete.
//   node --import tsx resume-instances-gate.ts <redis port> <instance name>
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthGate, createRedisSessions } from '../../src/server/index.ts';
import { connectPubSub, connectResp } from '../support/server-redis.ts';
import { serveSession, type AppState } from '../server/resume-app.ts';

const [redisPort, instance = 'gate'] = process.argv.slice(2);
const command = await connectResp(Number(redisPort));
const pubSub = await connectPubSub(Number(redisPort));
const store = createRedisSessions({
  redis: { command: (args) => command.command(args), subscribe: (channel, onMessage) => pubSub.subscribe(channel, onMessage) },
  onError: (error) => log({ error: String(error) }),
});
await store.ready;

const log = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ instance, ...line })}\n`);
const write = (args: string[]) => void command.command(args).catch((error) => log({ error: String(error) }));
const state: AppState = {
  got: (session, n) => write(['RPUSH', `app:got:${session}`, String(n)]),
  report: async (session) => ((await command.command(['LRANGE', `app:got:${session}`, '0', '-1'])) as string[]).map(Number),
  stream: async (session) => {
    const [count, every, last] = (await command.command(['HMGET', `app:stream:${session}`, 'count', 'every', 'last'])) as Array<string | null>;
    return count === null ? undefined : { count: Number(count), every: Number(every), last: Number(last) };
  },
  streamStarted: (session, count, every) => write(['HSET', `app:stream:${session}`, 'count', String(count), 'every', String(every), 'last', '0']),
  streamSent: (session, n) => write(['HSET', `app:stream:${session}`, 'last', String(n)]),
};

const gate = createAuthGate<string>({
  origins: (origin) => origin === undefined,
  verify: (token) => (token === 'good' ? 'alice' : null),
  resume: { store },
});
gate.on('connection', (socket, _user, _req, info) => {
  const { session = '', moved = false } = info ?? {};
  log({ connection: session, moved });
  socket.on('close', (code: number, reason: Buffer) => log({ close: session, code, reason: reason.toString() }));
  serveSession(socket as never, session, state, moved, () => {});
  socket.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString()) as { type?: string; n?: number };
    if (msg.type === 'n') log({ got: msg.n });
  });
});
gate.on('error', (error) => log({ error: String(error) }));

const server = createServer((_req, res) => res.writeHead(404).end());
gate.attach(server);
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`));

const stop = async () => {
  await gate.close();
  store.close();
  server.closeAllConnections();
  server.close();
  command.close();
  pubSub.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
