// A real load balancer in front of gate processes, on 127.0.0.1 only, with
// its config in a temp dir: HAProxy, round-robin, WebSocket-aware.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from './server-timeout.ts';

export const HAPROXY_BIN = process.env.HAPROXY ?? '/usr/sbin/haproxy';

/** The config docs/server.md shows, with the ports filled in. */
export function haproxyConfig(port: number, backends: number[]): string {
  return [
    'global',
    '  maxconn 1024',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  # an upgraded WebSocket is a tunnel: idle for up to an hour',
    '  timeout tunnel 1h',
    'frontend ws',
    `  bind 127.0.0.1:${port}`,
    '  default_backend gates',
    'backend gates',
    '  balance roundrobin',
    ...backends.map((backend, i) => `  server gate${i + 1} 127.0.0.1:${backend}`),
    '',
  ].join('\n');
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface LoadBalancer {
  port: number;
  stop(): Promise<void>;
}

export async function startHaproxy(backends: number[]): Promise<LoadBalancer> {
  const dir = await mkdtemp(join(tmpdir(), 'authsocket-lb-'));
  const port = await freePort();
  const config = join(dir, 'haproxy.cfg');
  await writeFile(config, haproxyConfig(port, backends));
  const child: ChildProcess = spawn(HAPROXY_BIN, ['-f', config, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await within(exited, 5_000, 'haproxy stop').catch(() => child.kill('SIGKILL'));
    await rm(dir, { recursive: true, force: true });
  };
  // Ready once the frontend port accepts connections.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}): ${log}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) { await stop(); throw new Error(`haproxy did not listen: ${log}`); }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, stop };
}
