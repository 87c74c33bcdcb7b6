// A real WebSocket server (Node `ws`) on 127.0.0.1 for the browser tests. It
// records every handshake and frame, and each test decides what a connection
// does through `handle`.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { decodeBase64Url } from '../../src/utils/base64url.ts';

export interface Handshake {
  url: string;
  protocols: string[];
  cookie: string | undefined;
  origin: string | undefined;
  authorization: string | undefined;
}

export interface Connection {
  id: number;
  ws: WebSocket;
  handshake: Handshake;
  /** Text frames received on this connection, in order. */
  frames: string[];
}

export type Handler = (connection: Connection, server: TestServer) => void;

const PREFIX = 'base64url.bearer.';

/** The credential a handshake carried, whatever the carrier (message excluded). */
export function tokenOf(handshake: Handshake): string | undefined {
  const entry = handshake.protocols.find((protocol) => protocol.startsWith(PREFIX));
  if (entry) return decodeBase64Url(entry.slice(PREFIX.length));
  const query = new URL(handshake.url, 'http://x').searchParams.get('access_token');
  if (query !== null) return query;
  const cookie = handshake.cookie?.split(/;\s*/).find((part) => part.startsWith('ws_token='));
  if (cookie) return decodeURIComponent(cookie.slice('ws_token='.length));
  if (handshake.authorization?.startsWith('Bearer ')) return handshake.authorization.slice(7);
  return undefined;
}

export class TestServer {
  readonly handshakes: Handshake[] = [];
  readonly connections: Connection[] = [];
  /** Upgrade requests answered with this HTTP status instead of upgrading (e.g. 401). */
  refuseWith: number | undefined;
  handle: Handler = echo;
  #http: Server;
  #wss: WebSocketServer;
  #port = 0;
  #sockets = new Set<Socket>();
  #waiters = new Set<() => void>();

  constructor() {
    this.#wss = new WebSocketServer({
      noServer: true,
      // Select an app protocol, never the token entry (the browser needs one selected).
      handleProtocols: (protocols) => [...protocols].find((protocol) => !protocol.startsWith(PREFIX)) ?? false,
    });
    this.#http = this.#createHttp();
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#port}/ws`;
  }

  urlFor(host: string): string {
    return `ws://${host}:${this.#port}/ws`;
  }

  async start(port = 0): Promise<this> {
    this.#http = this.#createHttp();
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#http.address() as AddressInfo).port;
    return this;
  }

  /** Kills every connection (no close frame) and stops listening. */
  async stop(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  /** Down for `downtime` ms, then listening again on the same port. */
  async restart(downtime = 0): Promise<void> {
    await this.stop();
    if (downtime > 0) await new Promise((resolve) => setTimeout(resolve, downtime));
    await this.start(this.#port);
  }

  /** Text frames received on all connections, in arrival order. */
  get frames(): string[] {
    return this.connections.flatMap((connection) => connection.frames);
  }

  /** Resolves when `condition()` holds, checked on every server event; rejects after `timeout`. */
  waitFor(condition: () => boolean, timeout = 10_000, what = 'server condition'): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeout} ms waiting for ${what}`));
      }, timeout);
      this.#waiters.add(check);
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #createHttp(): Server {
    const http = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const handshake: Handshake = {
        url: req.url ?? '/',
        protocols: (req.headers['sec-websocket-protocol'] ?? '').split(',').map((entry) => entry.trim()).filter(Boolean),
        cookie: req.headers.cookie,
        origin: req.headers.origin,
        authorization: req.headers.authorization,
      };
      this.handshakes.push(handshake);
      this.#notify();
      if (this.refuseWith) {
        socket.end(`HTTP/1.1 ${this.refuseWith} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        const connection: Connection = { id: this.connections.length + 1, ws, handshake, frames: [] };
        this.connections.push(connection);
        ws.on('message', (data, isBinary) => {
          if (!isBinary) connection.frames.push(data.toString());
          this.#notify();
        });
        ws.on('close', () => this.#notify());
        this.handle(connection, this);
        this.#notify();
      });
    });
    return http;
  }
}

/** Echoes every text frame back; answers `{type:'ping'}` with `{type:'pong'}`. */
export const echo: Handler = ({ ws }) => {
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = data.toString();
    if (text === '{"type":"ping"}') return ws.send('{"type":"pong"}');
    ws.send(text);
  });
};

/** Accepts only `expected(token)`, else closes 4401; then echoes. */
export function requireToken(expected: (token: string | undefined) => boolean): Handler {
  return (connection, server) => {
    if (!expected(tokenOf(connection.handshake))) return connection.ws.close(4401, 'invalid token');
    echo(connection, server);
  };
}

/** The `message` carrier's server half: first frame `{type:'auth', token}`, ack after `ackDelay` ms. */
export function messageAuth(expected: (token: string) => boolean, ackDelay = 0): Handler {
  return (connection, server) => {
    connection.ws.once('message', (data) => {
      let token: unknown;
      try {
        const frame = JSON.parse(data.toString());
        token = frame.type === 'auth' ? frame.token : undefined;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string' || !expected(token)) {
        connection.ws.send(JSON.stringify({ type: 'auth_error' }));
        return connection.ws.close(4401, 'invalid token');
      }
      setTimeout(() => {
        if (connection.ws.readyState !== WebSocket.OPEN) return;
        connection.ws.send(JSON.stringify({ type: 'auth_ok' }));
        echo(connection, server);
      }, ackDelay);
    });
  };
}

export async function startTestServer(handle?: Handler): Promise<TestServer> {
  const server = new TestServer();
  if (handle) server.handle = handle;
  return server.start();
}
