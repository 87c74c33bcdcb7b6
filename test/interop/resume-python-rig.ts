// What the resume tests against the Python reference server share: the server
// (examples/recipes/python_resume_server.py) as a child process that can be
// restarted on its port, and a TCP proxy in front of it that can cut every
// connection (the peers see the TCP connection end, no close frame) or freeze
// them (nothing passes, nothing closes: only a heartbeat notices).
import { fileURLToPath } from 'node:url';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { start, type Child } from '../support/interop/processes.ts';
import { requireTool } from '../support/tools.ts';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../examples/recipes/python_resume_server.py', import.meta.url));
export const needsPython = requireTool(PYTHON, 'python3-websockets', { probe: ['-c', 'import websockets'], what: "Python's websockets" });

export interface ResumeServer {
  port: number;
  child: Child;
  /** Stops the process (its in-memory sessions are gone) and starts a new one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the Python resume server on a free port (`window` s sessions outlive their socket, `maxBuffered` frames kept). */
export async function startResumeServer(window = 120, maxBuffered = 1000): Promise<ResumeServer> {
  const launch = (port: number) => start(PYTHON, [SCRIPT, String(port), String(window), String(maxBuffered)], /^\d+$/);
  const first = await launch(0);
  const server: ResumeServer = {
    port: Number(first.line),
    child: first.child,
    async restart() {
      await server.child.stop();
      server.child = (await launch(server.port)).child;
    },
    stop: () => server.child.stop(),
  };
  return server;
}

export interface CuttableProxy {
  port: number;
  /** Ends every connection through the proxy now (both sides see the TCP connection end). */
  cut(): void;
  /** Stops passing bytes on the current connections without closing them (until cut). */
  freeze(): void;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 to `target`; given several ports, each new connection goes to the next one, round-robin. */
export async function startCuttableProxy(target: number | readonly number[]): Promise<CuttableProxy> {
  const targets = typeof target === 'number' ? [target] : target;
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  const server: Server = createServer((client) => {
    accepted += 1;
    const upstream = connect(targets[(accepted - 1) % targets.length]!, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: CuttableProxy = {
    port: (server.address() as { port: number }).port,
    get accepted() {
      return accepted;
    },
    cut() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    freeze() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    close() {
      proxy.cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
