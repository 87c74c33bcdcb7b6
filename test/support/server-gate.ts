// A gate on a loopback HTTP server, and clients to poke it with: a `ws`
// client that reports how its attempt ended, and a raw `node:net` client for
// requests no well-behaved client would send.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';
import { createAuthGate } from '../../src/server/index.ts';
import type { AuthGate, AuthGateOptions, Refusal } from '../../src/server/index.ts';
import { within } from './server-timeout.ts';

export const ORIGIN = 'http://app.example.test';

export interface TestGate<User> {
  gate: AuthGate<User>;
  server: Server;
  port: number;
  url(path?: string): string;
  /** Tokens `verify` was called with, in order. */
  verified: string[];
  refusals: Refusal[];
  close(): Promise<void>;
}

/** Starts a gate; by default it allows {@link ORIGIN} and accepts the token `good` as user `alice`. */
export async function startGate<User = string>(options: Partial<AuthGateOptions<User>> = {}): Promise<TestGate<User>> {
  const verified: string[] = [];
  const refusals: Refusal[] = [];
  const verify = options.verify ?? (async (token: string) => (token === 'good' ? 'alice' : null) as User | null);
  const gate = createAuthGate<User>({
    origins: [ORIGIN],
    ...options,
    verify: (token, req, context) => {
      verified.push(token);
      return verify(token, req, context);
    },
  });
  gate.on('refused', (refusal) => refusals.push(refusal));
  // An echo app, so tests can prove the socket they got is live and delivered.
  gate.on('connection', (socket, user) => {
    socket.send(JSON.stringify({ type: 'welcome', user }));
    socket.on('message', (data) => socket.send(JSON.stringify({ type: 'echo', data: data.toString() })));
  });
  const server = createServer((_req, res) => res.writeHead(404).end());
  gate.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    gate,
    server,
    port,
    url: (path = '/') => `ws://127.0.0.1:${port}${path}`,
    verified,
    refusals,
    async close() {
      await gate.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Attempt {
  /** HTTP status when the upgrade was refused. */
  status?: number;
  /** The refusal's `Retry-After` header, if any. */
  retryAfter?: string;
  opened: boolean;
  protocol?: string;
  messages: unknown[];
  code?: number;
  reason?: string;
}

export interface AttemptOptions extends ClientOptions {
  protocols?: string[];
  /** Frames to send once open. */
  send?: string[];
  /** Close from our side once this many messages arrived. */
  closeAfter?: number;
  timeoutMs?: number;
}

/** One `ws` client attempt, with its whole story. Origin defaults to {@link ORIGIN}. */
export function attempt(url: string, options: AttemptOptions = {}): Promise<Attempt> {
  const { protocols, send = [], closeAfter, timeoutMs = 5_000, ...clientOptions } = options;
  const result: Attempt = { opened: false, messages: [] };
  return within(new Promise<Attempt>((resolve) => {
    const ws = new WebSocket(url, protocols ?? [], { origin: ORIGIN, ...clientOptions });
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      result.status = res.statusCode;
      if (res.headers['retry-after'] !== undefined) result.retryAfter = String(res.headers['retry-after']);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      result.opened = true;
      result.protocol = ws.protocol;
      for (const frame of send) ws.send(frame);
    });
    ws.on('message', (data) => {
      result.messages.push(JSON.parse(data.toString()));
      if (closeAfter !== undefined && result.messages.length >= closeAfter) ws.close(1000);
    });
    ws.on('error', () => {});
    ws.on('close', (code, reason) => {
      result.code = code;
      result.reason = reason.toString();
      resolve(result);
    });
  }), timeoutMs, `attempt on ${url.replace(/\?.*/, '?…')}`);
}

/** A client that authenticates with `good` and gets its welcome: proves the gate still serves. */
export async function assertServes(url: string): Promise<void> {
  const result = await attempt(`${url}?access_token=good`, { closeAfter: 1 });
  const welcome = result.messages[0] as { type?: string } | undefined;
  if (welcome?.type !== 'welcome') throw new Error(`gate no longer serves a good client: ${JSON.stringify(result)}`);
}

/**
 * Sends raw bytes to the port and returns everything the server wrote back
 * until it closed the connection (or `ms` passed, then what came so far).
 */
export function rawExchange(port: number, bytes: string | Buffer, ms = 3_000): Promise<{ response: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ response: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => done(true));
    socket.write(bytes);
  });
}

/** A well-formed upgrade request with extra header lines. */
export function upgradeRequest(path: string, headers: string[] = [], origin: string | null = ORIGIN): string {
  return [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...(origin === null ? [] : [`Origin: ${origin}`]),
    ...headers,
    '',
    '',
  ].join('\r\n');
}

/** A masked client text frame, for raw exchanges that write many frames in one go. */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('maskedTextFrame: short frames only');
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = payload.map((byte, i) => byte ^ mask[i % 4]);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}
