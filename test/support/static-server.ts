// A tiny HTTP server on 127.0.0.1 for test pages: serves dist/ and any extra
// routes a test adds. The page's origin is what the browser's cookies and
// `Origin` header derive from.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
};

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface StaticServer {
  server: Server;
  port: number;
  /** `http://<host>:<port>` — `host` defaults to 127.0.0.1. */
  origin(host?: string): string;
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

/** Serves `/dist/*` and `/test/*` from the repo, `/` as an empty HTML page. */
export async function startStaticServer(): Promise<StaticServer> {
  const routes = new Map<string, Route>();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes.get(path);
    if (route) return void (await route(req, res));
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end('<!doctype html><meta charset="utf-8"><title>authsocket test</title><body></body>');
    }
    const file = normalize(join(root, path));
    if (!/^\/(dist|test|node_modules)\//.test(path) || !file.startsWith(root)) {
      res.writeHead(404);
      return void res.end();
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: (host = '127.0.0.1') => `http://${host}:${port}`,
    route: (path, handler) => void routes.set(path, handler),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
