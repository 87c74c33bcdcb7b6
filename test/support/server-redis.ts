// A throwaway redis-server for tests (127.0.0.1, random port, no persistence)
// and the smallest RESP client that can talk to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { within } from './server-timeout.ts';

export interface TestRedis {
  port: number;
  /** A new connection; each one is a separate "server instance" in tests. */
  client(): Promise<RespClient>;
  /** A publishing and a subscribing connection, in the shape `createRedisRevocations` takes. */
  pubSub(): Promise<RespPubSub>;
  stop(): Promise<void>;
}

export interface RespPubSub {
  publish(channel: string, message: string): Promise<unknown>;
  /** Resolves once Redis confirmed the subscription. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<void>;
  close(): void;
}

export interface RespClient {
  command(args: string[]): Promise<unknown>;
  close(): void;
}

export const REDIS_BIN = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(REDIS_BIN, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  await within(new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk;
      if (log.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${log}`)));
    child.once('error', reject);
  }), 10_000, 'redis-server start');
  const clients: Array<{ close(): void }> = [];
  return {
    port,
    async client() {
      const client = await connectResp(port);
      clients.push(client);
      return client;
    },
    async pubSub() {
      const pubSub = await connectPubSub(port);
      clients.push(pubSub);
      return pubSub;
    },
    async stop() {
      for (const client of clients) client.close();
      child.kill('SIGTERM');
      await within(exited, 5_000, 'redis-server stop').catch(() => child.kill('SIGKILL'));
    },
  };
}

/** Two connections to the Redis on `port`: one to PUBLISH, one in subscribe mode. */
export async function connectPubSub(port: number): Promise<RespPubSub> {
  const publisher = await connectResp(port);
  const listeners = new Map<string, Set<(message: string) => void>>();
  const confirmations = new Map<string, Array<() => void>>();
  const socket = await openResp(port, (reply) => {
    // Pushes: ['subscribe', channel, count] and ['message', channel, payload].
    const [kind, channel, payload] = reply as [string, string, unknown];
    if (kind === 'subscribe') confirmations.get(channel)?.splice(0).forEach((confirm) => confirm());
    if (kind === 'message') for (const listener of listeners.get(channel) ?? []) listener(String(payload));
  });
  socket.on('error', () => {});
  return {
    publish: (channel, message) => publisher.command(['PUBLISH', channel, message]),
    subscribe(channel, onMessage) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(onMessage);
      return within(new Promise<void>((resolve) => {
        const waiting = confirmations.get(channel) ?? [];
        confirmations.set(channel, [...waiting, resolve]);
        socket.write(`*2\r\n$9\r\nSUBSCRIBE\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n`);
      }), 5_000, `redis SUBSCRIBE ${channel}`);
    },
    close() {
      publisher.close();
      socket.destroy();
    },
  };
}

export async function connectResp(port: number): Promise<RespClient> {
  const pending: Array<{ resolve(value: unknown): void; reject(error: Error): void }> = [];
  const socket = await openResp(port, (reply) => {
    const waiter = pending.shift();
    if (reply instanceof Error) waiter?.reject(reply);
    else waiter?.resolve(reply);
  });
  socket.on('error', (error) => { for (const waiter of pending.splice(0)) waiter.reject(error); });
  return {
    command(args) {
      const parts = [`*${args.length}\r\n`, ...args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`)];
      return within(new Promise((resolve, reject) => {
        pending.push({ resolve, reject });
        socket.write(parts.join(''));
      }), 5_000, `redis ${args[0]}`);
    },
    close: () => void socket.destroy(),
  };
}

/** A connection to the Redis on `port` that hands every whole reply to `onReply`, in order. */
async function openResp(port: number, onReply: (reply: unknown) => void): Promise<Socket> {
  const socket: Socket = connect(port, '127.0.0.1');
  await within(new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  }), 5_000, 'redis connect');
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let parsed = parseReply(buffer, 0); parsed; parsed = parseReply(buffer, 0)) {
      buffer = buffer.subarray(parsed.end);
      onReply(parsed.value);
    }
  });
  return socket;
}

// RESP2: simple string, error, integer, bulk string, array. Returns undefined
// until a whole reply is buffered.
function parseReply(buffer: Buffer, start: number): { value: unknown; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[start]);
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+': return { value: line, end: next };
    case '-': return { value: new Error(line), end: next };
    case ':': return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: unknown[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, end);
        if (!item) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default: throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}
