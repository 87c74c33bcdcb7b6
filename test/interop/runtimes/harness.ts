// Bun, Deno and workerd (their npm packages) as child processes for the
// runtime tests: start one on 127.0.0.1 with a random port, wait (bounded) until
// it serves, stop it with its whole process group (the npm launchers may run
// the real binary as a child). A runtime whose binary cannot run here skips its
// tests with one line naming the npm package; under CI=true it fails instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/interop/processes.ts';
import type { SkipOptions } from '../../support/tools.ts';

export const root = fileURLToPath(new URL('../../..', import.meta.url));

export type RuntimeName = 'bun' | 'deno' | 'workerd';

/** The npm launcher of each runtime (node_modules/.bin). */
export const binary = (name: RuntimeName) => join(root, 'node_modules', '.bin', name);

/**
 * Skip options for tests that need `name`: `{}` when its binary answers
 * `--version`; else a skip line (or, under CI=true, a failing test).
 */
export function requireRuntime(name: RuntimeName): SkipOptions {
  const path = binary(name);
  const runs = existsSync(path) && spawnSync(path, ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  if (runs) return {};
  const reason = `needs ${name}: ${path} is missing or does not run; install it with \`npm install\` (npm package ${name}, a devDependency)`;
  if (process.env.CI === 'true') test(`missing under CI=true: ${name}`, () => { throw new Error(reason); });
  return { skip: reason };
}

export interface RunningRuntime {
  readonly port: number;
  /** Everything the process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Ends the process group (SIGTERM, then SIGKILL after 2 s) and resolves once it exited. */
  stop(): Promise<void>;
}

interface StartOptions {
  env?: Record<string, string>;
  /** The port the process was told to listen on; without it, its first stdout line is `{"port":N}`. */
  port?: number | undefined;
  cwd?: string;
  /** Bounded wait for readiness, ms. */
  timeout?: number;
}

function startProcess(command: string, args: string[], options: StartOptions): Promise<RunningRuntime> {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so that stop() reaches the runtime behind a launcher
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const signal = (name: NodeJS.Signals) => { try { process.kill(-child.pid!, name); } catch { /* already gone */ } };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  };
  const running = (port: number): RunningRuntime => ({ port, stderr: () => stderr, stop });
  const ms = options.timeout ?? 20_000;
  return new Promise<RunningRuntime>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${command} ${args.join(' ')}: ${why}; stderr: ${stderr.slice(-2000)}`)));
    };
    const timer = setTimeout(() => fail(`not serving within ${ms} ms`), ms);
    const early = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${code ?? signal}) before it served`);
    child.once('exit', early);
    const ready = (port: number) => {
      clearTimeout(timer);
      child.off('exit', early);
      resolve(running(port));
    };
    if (options.port === undefined) {
      let buffered = '';
      child.stdout!.setEncoding('utf8').on('data', function onData(chunk: string) {
        buffered += chunk;
        const newline = buffered.indexOf('\n');
        if (newline < 0) return;
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        try {
          ready((JSON.parse(buffered.slice(0, newline)) as { port: number }).port);
        } catch {
          fail(`printed ${JSON.stringify(buffered.slice(0, newline))} instead of {"port":N}`);
        }
      });
    } else {
      child.stdout!.resume();
      void untilServing(options.port, () => child.exitCode !== null, ms).then(() => ready(options.port!), () => undefined);
    }
  });
}

/** Resolves once an HTTP request to 127.0.0.1:`port` gets any answer; gives up when `gone()` or after `ms`. */
async function untilServing(port: number, gone: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!gone() && Date.now() < deadline) {
    const answered = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }).then((res) => res.body?.cancel(), () => false);
    if (answered !== false) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('not serving');
}

/**
 * Runs `script` (TypeScript) with Bun. Without `port`, the script prints
 * `{"port":N}` once it listens; with it, it listens there (told by the env).
 */
export function startBun(script: string, env: Record<string, string> = {}, port?: number): Promise<RunningRuntime> {
  return startProcess(binary('bun'), ['run', script], { env, port });
}

/** Runs `script` (TypeScript) with Deno, allowed the network, the environment and reads; ready as for {@link startBun}. */
export function startDeno(script: string, env: Record<string, string> = {}, port?: number): Promise<RunningRuntime> {
  return startProcess(binary('deno'), ['run', '--quiet', '--no-prompt', '--allow-net', '--allow-env', '--allow-read', script], { env, port });
}

export interface WorkerdService {
  /** The bundled ES module of the Worker (its default export has `fetch`). */
  module: string;
  /** Durable Object namespaces: binding name in `env` → the class the module exports. */
  durableObjects?: Record<string, string>;
  /** Text bindings (`env.NAME`). */
  text?: Record<string, string>;
}

/**
 * Serves a bundled Worker with workerd on 127.0.0.1 (a fresh port; workerd
 * cannot report one it picked), Durable Objects kept in memory.
 */
export async function startWorkerd(service: WorkerdService): Promise<RunningRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'authsocket-workerd-'));
  writeFileSync(join(dir, 'worker.js'), service.module);
  writeFileSync(join(dir, 'config.capnp'), capnpConfig(service));
  const port = await freePort();
  try {
    const running = await startProcess(binary('workerd'), ['serve', join(dir, 'config.capnp'), `--socket-addr=http=127.0.0.1:${port}`], { port, cwd: dir });
    return { ...running, stop: () => running.stop().finally(() => rmSync(dir, { recursive: true, force: true })) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function capnpConfig({ durableObjects = {}, text = {} }: WorkerdService): string {
  const bindings = [
    ...Object.entries(durableObjects).map(([name, className]) => `(name = ${JSON.stringify(name)}, durableObjectNamespace = ${JSON.stringify(className)})`),
    ...Object.entries(text).map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`),
  ];
  const namespaces = [...new Set(Object.values(durableObjects))].map((name) => `(className = ${JSON.stringify(name)}, uniqueKey = ${JSON.stringify(`authsocket-${name}`)})`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-01-01",
  bindings = [ ${bindings.join(', ')} ],
  durableObjectNamespaces = [ ${namespaces.join(', ')} ],
  durableObjectStorage = (inMemory = void),
);
`;
}
