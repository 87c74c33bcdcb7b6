// A small HTTP proxy that stands in for DNS in WebKit (no resolver rules): the
// test hosts (*.example.test, *.other.test), localhost and 127.0.0.1 go to
// 127.0.0.1 at the requested port; anything else is refused (no network).
// Requests and upgrades arrive in absolute form and leave in origin form, so
// the servers under test see what a browser sends them directly.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { isTestHost } from '../hosts.ts';

export interface HostProxy {
  port: number;
  close(): Promise<void>;
}

function target(req: IncomingMessage): { port: number; path: string } | undefined {
  let url: URL;
  try {
    url = new URL(req.url ?? '', 'http://invalid');
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!(host === 'localhost' || host === '127.0.0.1' || host.endsWith('.localhost') || isTestHost(host))) return undefined;
  return { port: Number(url.port || 80), path: `${url.pathname}${url.search}` };
}

export async function startHostProxy(): Promise<HostProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const to = target(req);
    if (!to) return void res.writeHead(502).end('authsocket test proxy: host not mapped');
    const upstream = request({ host: '127.0.0.1', port: to.port, method: req.method, path: to.path, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const to = target(req);
    if (!to) return void client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
    const upstream = connect(to.port, '127.0.0.1', () => {
      const lines = [`${req.method} ${to.path} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (!/^proxy-/i.test(req.rawHeaders[i]!)) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => (sockets.delete(upstream), client.destroy()));
    client.once('close', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
