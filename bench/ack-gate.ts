// The server of the acked-open rows: authsocket/server's createAuthGate (from
// dist/server.js, as shipped) with `ack: true` in this process, on 127.0.0.1.
// It sends {"type":"auth_ok"} right after the 101, so a client with
// `auth.ack: true` opens on it: an `open` that means "credential accepted".
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.ts';
import { TOKEN } from './server.ts';

export interface AckGate {
  port: number;
  close(): Promise<void>;
}

/** `options`: more gate options (bench/resume-open.ts: `resume` instead of `ack`). */
export async function startAckGate(origin: string, options: Record<string, unknown> = {}): Promise<AckGate> {
  const { createAuthGate } = await import(pathToFileURL(join(ROOT, 'dist', 'server.js')).href);
  const gate = createAuthGate({
    origins: [origin],
    carriers: ['subprotocol', 'query', 'cookie'],
    verify: async (token: string) => (token === TOKEN ? 'bench-user' : null),
    ack: true,
    ...options,
  });
  gate.on('connection', (socket: import('ws').WebSocket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  const http = createServer((_req, res) => res.writeHead(404).end());
  gate.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    async close() {
      await gate.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
