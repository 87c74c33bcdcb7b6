// Real servers as child processes (whether one can run here: ../tools.ts): start
// it with a bounded wait for its "ready" line, and stop exactly the process started.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

export interface Child {
  process: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  stop(): Promise<void>;
}

/** Spawns `command`, collecting its stdout lines; `stop()` ends exactly this process. */
export function spawnChild(command: string, args: string[]): Child & { stderr(): string; onLine(listener: (line: string) => void): void } {
  const process = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners: Array<(line: string) => void> = [];
  let stderr = '';
  let buffered = '';
  process.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      listeners.forEach((listener) => listener(line));
    }
  });
  process.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return {
    process,
    lines,
    stderr: () => stderr,
    onLine: (listener) => listeners.push(listener),
    stop: () => new Promise<void>((resolve) => {
      if (process.exitCode !== null || process.signalCode !== null) return resolve();
      process.once('exit', () => resolve());
      process.kill('SIGTERM');
    }),
  };
}

/** Spawns and resolves once a stdout line matches `ready` (with that line); rejects on exit or after `ms`. */
export function start(command: string, args: string[], ready: RegExp, ms = 10_000): Promise<{ child: Child; line: string }> {
  const child = spawnChild(command, args);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void child.stop();
      reject(new Error(`${command} not ready within ${ms} ms; stderr: ${child.stderr()}`));
    }, ms);
    child.onLine((line) => {
      if (!ready.test(line)) return;
      clearTimeout(timer);
      resolve({ child, line });
    });
    child.process.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code}) before it was ready; stderr: ${child.stderr()}`));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`; rejects after `ms` or when `child` exits. */
export async function waitForPort(port: number, child: Child & { stderr(): string }, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`exited (${child.process.exitCode}): ${child.stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${ms} ms: ${child.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A free loopback port, for servers that cannot report the port 0 gave them. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
