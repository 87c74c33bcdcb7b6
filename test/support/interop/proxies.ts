// A proxy in front of the proxied-app recipe, on 127.0.0.1: HAProxy (and nginx)
// started from the recipe's own config file with the ports and the idle timeout
// swapped in, its log collected line by line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Forbidden } from 'authsocket/server';
import { createProxiedApp } from '../../../examples/recipes/proxied-server.ts';
import { freePort, spawnChild, waitForPort } from './processes.ts';
import { Waiters } from './waiters.ts';

const recipe = (name: string) => readFileSync(new URL(`../../../examples/recipes/${name}`, import.meta.url), 'utf8');

/** Replaces each `from` exactly once: a recipe that no longer says it fails here, not silently. */
export function substitute(text: string, swaps: Array<[string, string]>, name: string): string {
  for (const [from, to] of swaps) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${name}: expected "${from}" once, found it ${count} times`);
    text = text.replace(from, to);
  }
  return text;
}

export interface Backend {
  port: number;
  /** Text frames the app received (pings included), per connection, in order. */
  connections: Array<{ user: string; frames: string[]; closed: boolean }>;
  waiters: Waiters;
  close(): Promise<void>;
}

/** The recipe's app: tokens starting with `good` are user `alice`, `banned…` is Forbidden (4403); any Origin is allowed. */
export async function startBackend(): Promise<Backend> {
  const waiters = new Waiters();
  const { server, gate } = createProxiedApp<string>(async (token) => {
    if (token.startsWith('banned')) throw new Forbidden('banned');
    return token.startsWith('good') ? 'alice' : null;
  }, () => true);
  const connections: Backend['connections'] = [];
  gate.on('connection', (socket, user) => {
    const connection = { user, frames: [] as string[], closed: false };
    connections.push(connection);
    socket.on('message', (data) => {
      connection.frames.push(data.toString());
      waiters.notify();
    });
    socket.on('close', () => {
      connection.closed = true;
      waiters.notify();
    });
    waiters.notify();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    waiters,
    async close() {
      await gate.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Proxy {
  port: number;
  /** Log lines so far. */
  log: string[];
  waitForLog(match: (line: string) => boolean, what: string, ms?: number): Promise<string>;
  close(): Promise<void>;
}

/** HAProxy from examples/recipes/haproxy.cfg, in the foreground, logging to its stdout. */
export async function startHaproxy(backendPort: number, tunnelTimeout: string): Promise<Proxy> {
  const port = await freePort();
  const config = substitute(recipe('haproxy.cfg'), [
    ['bind 127.0.0.1:8080', `bind 127.0.0.1:${port}`],
    ['server app1 127.0.0.1:3000', `server app1 127.0.0.1:${backendPort}`],
    ['timeout tunnel 60s', `timeout tunnel ${tunnelTimeout}`],
  ], 'haproxy.cfg');
  const dir = mkdtempSync(join(tmpdir(), 'authsocket-haproxy-'));
  writeFileSync(join(dir, 'haproxy.cfg'), config);
  const child = spawnChild('/usr/sbin/haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')]);
  const waiters = new Waiters();
  child.onLine(() => waiters.notify());
  try {
    await waitForPort(port, child);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    log: child.lines,
    async waitForLog(match, what, ms = 5000) {
      await waiters.waitFor(() => child.lines.some(match), `log line: ${what}`, ms);
      return child.lines.find(match)!;
    },
    async close() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** nginx from examples/recipes/nginx.conf, in the foreground, in a temp prefix; `log` is its access log. */
export async function startNginx(backendPort: number, readTimeout: string): Promise<Proxy> {
  const port = await freePort();
  const config = substitute(recipe('nginx.conf'), [
    ['listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`],
    ['proxy_pass http://127.0.0.1:3000;', `proxy_pass http://127.0.0.1:${backendPort};`],
    ['proxy_read_timeout 60s;', `proxy_read_timeout ${readTimeout};`],
  ], 'nginx.conf');
  const dir = mkdtempSync(join(tmpdir(), 'authsocket-nginx-'));
  writeFileSync(join(dir, 'nginx.conf'), config);
  const child = spawnChild('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;']);
  try {
    await waitForPort(port, child);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const log: string[] = [];
  const read = () => {
    try {
      log.splice(0, log.length, ...readFileSync(join(dir, 'access.log'), 'utf8').split('\n').filter(Boolean));
    } catch {
      // not written yet
    }
  };
  return {
    port,
    log,
    async waitForLog(match, what, ms = 5000) {
      // nginx writes its access log to a file: poll it, bounded.
      const deadline = Date.now() + ms;
      for (read(); !log.some(match); read()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for log line: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return log.find(match)!;
    },
    async close() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
