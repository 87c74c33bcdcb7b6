// A redis-server that a test can kill and start again on the same port, and
// a pub/sub client that behaves as node-redis and ioredis do across that:
// it emits 'error' when its connection drops (an EventEmitter without an
// 'error' listener would throw and end the process), queues commands while
// disconnected, reconnects, and subscribes again.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { REDIS_BIN } from './server-redis.ts';
import { within } from './server-timeout.ts';

export interface RestartableRedis {
  port: number;
  kill(): Promise<void>;
  start(): Promise<void>;
}

export async function restartableRedis(): Promise<RestartableRedis> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  let child: ChildProcess | undefined;
  const redis: RestartableRedis = {
    port,
    async start() {
      const started = spawn(REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
      child = started;
      let log = '';
      await within(new Promise<void>((resolve, reject) => {
        started.stdout!.on('data', (chunk: Buffer) => { log += chunk; if (log.includes('Ready to accept connections')) resolve(); });
        started.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
      }), 10_000, 'redis-server start');
    },
    async kill() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await within(exited, 5_000, 'redis-server killed');
    },
  };
  await redis.start();
  return redis;
}

/** One RESP connection that comes back after the server does. */
class ReconnectingConnection extends EventEmitter {
  private socket: Socket | undefined;
  private queue: string[] = [];
  private replies: Array<(reply: unknown) => void> = [];
  private buffer = '';
  private closed = false;

  constructor(private readonly port: number, private readonly onPush?: (reply: unknown[]) => void, private readonly onConnect?: () => void) {
    super();
    this.open();
  }

  private open(): void {
    const socket = connect(this.port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      this.socket = socket;
      this.onConnect?.();
      for (const command of this.queue.splice(0)) socket.write(command);
    });
    socket.on('data', (chunk: string) => this.read(chunk));
    socket.on('error', (error) => { if (!this.closed) this.emit('error', error); });
    socket.on('close', () => {
      this.socket = undefined;
      this.buffer = '';
      if (!this.closed) setTimeout(() => this.open(), 50);
    });
  }

  /** Sends a command; resolves with its reply (queued while disconnected, as node-redis does). */
  command(args: string[], expectReply = true): Promise<unknown> {
    const text = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
    const reply = new Promise<unknown>((resolve) => { if (expectReply) this.replies.push(resolve); else resolve(undefined); });
    if (this.socket) this.socket.write(text);
    else this.queue.push(text);
    return reply;
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const parsed = parse(this.buffer);
      if (!parsed) return;
      this.buffer = this.buffer.slice(parsed.length);
      if (Array.isArray(parsed.value) && this.onPush) this.onPush(parsed.value);
      else this.replies.shift()?.(parsed.value);
    }
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }
}

// Enough RESP2 for PUBLISH's integer and SUBSCRIBE's pushes (ASCII payloads).
function parse(text: string): { value: unknown; length: number } | undefined {
  const end = text.indexOf('\r\n');
  if (end < 0) return undefined;
  const line = text.slice(1, end);
  if (text[0] === ':') return { value: Number(line), length: end + 2 };
  if (text[0] === '+' || text[0] === '-') return { value: line, length: end + 2 };
  if (text[0] === '$') {
    const size = Number(line);
    if (text.length < end + 2 + size + 2) return undefined;
    return { value: text.slice(end + 2, end + 2 + size), length: end + 2 + size + 2 };
  }
  if (text[0] === '*') {
    const items: unknown[] = [];
    let at = end + 2;
    for (let i = 0; i < Number(line); i++) {
      const item = parse(text.slice(at));
      if (!item) return undefined;
      items.push(item.value);
      at += item.length;
    }
    return { value: items, length: at };
  }
  throw new Error(`unexpected RESP ${JSON.stringify(text.slice(0, 10))}`);
}

/** A publishing and a subscribing connection, each an EventEmitter of 'error' like a node-redis client. */
export function reconnectingPubSub(port: number) {
  const listeners = new Map<string, (message: string) => void>();
  const pub = new ReconnectingConnection(port);
  const sub: ReconnectingConnection = new ReconnectingConnection(
    port,
    ([kind, channel, payload]) => { if (kind === 'message') listeners.get(String(channel))?.(String(payload)); },
    () => { for (const channel of listeners.keys()) void sub.command(['SUBSCRIBE', channel], false); },
  );
  return {
    pub,
    sub,
    publish: (channel: string, message: string) => pub.command(['PUBLISH', channel, message]),
    subscribe(channel: string, onMessage: (message: string) => void) {
      listeners.set(channel, onMessage);
      return sub.command(['SUBSCRIBE', channel], false);
    },
    close() { pub.close(); sub.close(); },
  };
}
