// The one server every client in the bench talks to: Node `ws` on 127.0.0.1
// (no recording, so that it costs every client the same). It echoes text
// frames, and authenticates the way authsocket's carriers expect:
// `Authorization: Bearer`, a `base64url.bearer.` subprotocol entry, the
// `access_token` query parameter or the `ws_token` cookie on the upgrade; on
// the path `/msg`, a first frame `{type:'auth', token}` answered with
// `{type:'auth_ok'}`. A wrong or missing credential is closed with 4401.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { epochNow } from './lib.ts';

export const TOKEN = 'bench-token-0123456789';
const PREFIX = 'base64url.bearer.';

export function tokenFromUpgrade(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const entry = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).find((s) => s.startsWith(PREFIX));
  if (entry) return Buffer.from(entry.slice(PREFIX.length), 'base64url').toString('utf8');
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('access_token');
  if (query !== null) return query;
  const cookie = req.headers.cookie?.split(/;\s*/).find((part) => part.startsWith('ws_token='));
  if (cookie) return decodeURIComponent(cookie.slice('ws_token='.length));
  return undefined;
}

export interface Accept {
  /** Epoch ms (hi-res) when the upgrade was accepted. */
  at: number;
  path: string;
}

export class BenchServer {
  /** Every accepted upgrade, in order (cleared by the caller when it wants). */
  accepts: Accept[] = [];
  #http: Server | undefined;
  #wss = new WebSocketServer({
    noServer: true,
    // Select an app protocol, never the token entry.
    handleProtocols: (protocols) => [...protocols].find((p) => !p.startsWith(PREFIX)) ?? false,
  });
  #sockets = new Set<Socket>();
  port = 0;

  url(host = '127.0.0.1', path = '/ws'): string {
    return `ws://${host}:${this.port}${path}`;
  }

  async start(port = this.port): Promise<this> {
    const http = createServer((_req, res) => res.writeHead(404).end());
    http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    http.on('upgrade', (req, socket, head) => {
      socket.on('error', () => {});
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(ws, req));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, '127.0.0.1', () => resolve());
    });
    this.#http = http;
    this.port = (http.address() as AddressInfo).port;
    return this;
  }

  /** Kills every connection at once (no close frame: the server "dies") and stops listening. */
  async stop(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    for (const socket of this.#sockets) socket.destroy();
    const http = this.#http;
    this.#http = undefined;
    if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  /** Between start() and stop(). */
  get listening(): boolean {
    return this.#http !== undefined;
  }

  get clients(): number {
    return this.#wss.clients.size;
  }

  #serve(ws: WebSocket, req: IncomingMessage): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.accepts.push({ at: epochNow(), path });
    ws.on('error', () => {});
    const echo = () => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    if (path === '/msg') {
      ws.once('message', (data) => {
        let token: unknown;
        try {
          const frame = JSON.parse(data.toString());
          token = frame?.type === 'auth' ? frame.token : undefined;
        } catch {
          token = undefined;
        }
        if (token !== TOKEN) {
          ws.send('{"type":"auth_error"}');
          return ws.close(4401, 'invalid token');
        }
        ws.send('{"type":"auth_ok"}');
        echo();
      });
      return;
    }
    if (tokenFromUpgrade(req) !== TOKEN) return ws.close(4401, 'invalid token');
    echo();
  }
}
