// Server gate: authenticated connections/s per carrier, N concurrent Node
// clients (raw `ws`, each sending its carrier's credential exactly as the
// authsocket client does) against authsocket/server's gate in a child
// process, and the same against a bare `ws` server without auth (baseline).
// A connection counts once the app's welcome message arrives, i.e. after the
// gate delivered the socket.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { ROOT } from './paths.ts';
import { TOKEN } from './server.ts';
import { log, summarize, within, type Summary } from './lib.ts';

export const GATE_CARRIERS = ['header', 'subprotocol', 'query', 'cookie', 'message'] as const;
const ORIGIN = 'http://app.bench.test';

/**
 * The bench gate's `limits`. Every client comes from 127.0.0.1, so the
 * default per-address bound (50 sockets authenticating at once) would answer
 * most of a 1,000-client burst with 429. The bench measures what the gate
 * costs, not that bound: both bounds sit above the largest burst (1,000; held
 * sockets open 500 at a time) and the gate still counts every socket against them.
 */
export const GATE_LIMITS = { pending: 10_000, pendingPerAddress: 10_000 } as const;

export interface GateResults {
  available: boolean;
  note?: string;
  clients: number;
  /** The gate's `limits` in this run (absent in runs before they were raised). */
  limits?: { pending: number; pendingPerAddress: number };
  rows: Array<{ carrier: string; perSec: Summary; runs: number[] }>;
  /** Held sockets: heap per socket and CPU per upgrade, gate vs bare `ws` (query carrier, one user per socket). */
  cost?: Array<{ server: 'plain' | 'gate'; sockets: number; heapPerSocketKiB: number; cpuPerUpgradeMicros: number; upgradesPerSec: number }>;
}

/** The JSON lines a child prints, one at a time. */
function lines(child: ChildProcess): () => Promise<Record<string, number>> {
  let out = '';
  const waiting: Array<(line: Record<string, number>) => void> = [];
  const ready: Array<Record<string, number>> = [];
  child.stdout!.on('data', (chunk) => {
    out += chunk;
    for (let at = out.indexOf('\n'); at >= 0; at = out.indexOf('\n')) {
      const line = JSON.parse(out.slice(0, at)) as Record<string, number>;
      out = out.slice(at + 1);
      const next = waiting.shift();
      if (next) next(line);
      else ready.push(line);
    }
  });
  return () => (ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise((resolve) => waiting.push(resolve)));
}

async function startChild(mode: 'gate' | 'plain', serverModule: string): Promise<{ port: number; child: ChildProcess; next: () => Promise<Record<string, number>> }> {
  const child = spawn(process.execPath, ['--expose-gc', join(ROOT, 'bench', 'gate-server.mjs'), mode, TOKEN, ORIGIN, serverModule, JSON.stringify(GATE_LIMITS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const next = lines(child);
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`gate server exited (${code})`))));
  exited.catch(() => {});
  const { port } = await within(Promise.race([next(), exited]), 10_000, `${mode} server start`);
  return { port: port!, child, next };
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin!.end();
  await within(exited, 5_000, 'gate server exit').catch(() => child.kill('SIGKILL'));
}

/** One client with the carrier's credential; resolves when the welcome arrives (rejects on close first). */
function connect(port: number, carrier: string): { done: Promise<void>; ws: WebSocket } {
  let url = `ws://127.0.0.1:${port}/ws`;
  let protocols: string[] = [];
  const headers: Record<string, string> = {};
  if (carrier === 'header') headers.authorization = `Bearer ${TOKEN}`;
  if (carrier === 'subprotocol') protocols = ['authsocket', `base64url.bearer.${Buffer.from(TOKEN).toString('base64url')}`];
  if (carrier === 'query') url += `?access_token=${TOKEN}`;
  if (carrier === 'cookie') headers.cookie = `ws_token=${TOKEN}`;
  const ws = new WebSocket(url, protocols, { origin: ORIGIN, headers, perMessageDeflate: false });
  const done = new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`${carrier}: closed ${code} before welcome`)));
    if (carrier === 'message') ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token: TOKEN })));
    ws.on('message', (data) => {
      if (data.toString() === '{"type":"welcome"}') resolve();
    });
  });
  return { done, ws };
}

/** `count` clients at once; returns connections/s from the first connect to the last welcome. */
async function burst(port: number, carrier: string, count: number): Promise<number> {
  const t0 = performance.now();
  const clients = Array.from({ length: count }, () => connect(port, carrier));
  try {
    await within(Promise.all(clients.map((c) => c.done)), 60_000, `${count} ${carrier} clients`);
    return (count * 1000) / (performance.now() - t0);
  } finally {
    await within(Promise.all(clients.map(({ ws }) => new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.terminate();
    }))), 10_000, 'clients closed').catch(() => {});
  }
}

/**
 * Heap per held socket and CPU per upgrade: `sockets` query-carrier clients
 * (in a client process of their own: one process may hold only so many
 * sockets) connect to a fresh server and stay; the server's heap (after a
 * full GC) and CPU time are read before and after.
 */
async function cost(mode: 'gate' | 'plain', serverModule: string, sockets: number): Promise<NonNullable<GateResults['cost']>[number]> {
  const server = await startChild(mode, serverModule);
  try {
    await burst(server.port, 'query', 500); // warm-up: JIT, buffers
    server.child.stdin!.write('measure\n');
    const before = await within(server.next(), 10_000, 'measure');
    const clients = spawn(process.execPath, [join(ROOT, 'bench', 'gate-server.mjs'), 'clients', String(server.port), String(sockets), TOKEN, ORIGIN], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const opened = await within(lines(clients)(), 300_000, `${sockets} sockets open`);
      server.child.stdin!.write('measure\n');
      const after = await within(server.next(), 10_000, 'measure');
      return {
        server: mode,
        sockets,
        heapPerSocketKiB: (after.heapUsed! - before.heapUsed!) / sockets / 1024,
        cpuPerUpgradeMicros: (after.cpuMicros! - before.cpuMicros!) / sockets,
        upgradesPerSec: (sockets * 1000) / opened.ms!,
      };
    } finally {
      await stopChild(clients);
    }
  } finally {
    await stopChild(server.child);
  }
}

/** The cost rows alone: `node --import tsx bench/gate.ts cost [sockets…]` prints them as JSON. */
export async function runGateCost(counts: number[]): Promise<NonNullable<GateResults['cost']>> {
  const serverModule = join(ROOT, 'dist', 'server.js');
  const rows: NonNullable<GateResults['cost']> = [];
  for (const sockets of counts) {
    for (const mode of ['plain', 'gate'] as const) {
      log(`gate cost: ${mode}, ${sockets} held sockets`);
      rows.push(await cost(mode, serverModule, sockets));
    }
  }
  return rows;
}

// A process may hold 20,000 file descriptors here (ulimit -n): the server keeps a few for itself.
export const COST_SOCKETS = [5_000, 19_500];

export async function runGate(clients: number, runs: number): Promise<GateResults> {
  const serverModule = join(ROOT, 'dist', 'server.js');
  let hasGate = false;
  if (existsSync(serverModule)) {
    const mod = (await import(pathToFileURL(serverModule).href)) as { createAuthGate?: unknown };
    hasGate = typeof mod.createAuthGate === 'function';
  }
  if (!hasGate) return { available: false, note: 'dist/server.js does not export createAuthGate: skipped', clients, rows: [] };
  const rows: GateResults['rows'] = [];
  const variants = [['plain ws, no auth (baseline)', 'plain', 'none'] as const, ...GATE_CARRIERS.map((c) => [c, 'gate', c] as const)];
  for (const [name, mode, carrier] of variants) {
    log(`gate: ${name}, ${runs} bursts of ${clients} concurrent clients`);
    const { port, child } = await startChild(mode, serverModule);
    try {
      await burst(port, carrier, Math.min(200, clients)); // warm-up
      const perRun: number[] = [];
      for (let run = 0; run < runs; run++) perRun.push(await burst(port, carrier, clients));
      rows.push({ carrier: name, perSec: summarize(perRun), runs: perRun });
    } finally {
      await stopChild(child);
    }
  }
  return { available: true, clients, limits: { ...GATE_LIMITS }, rows, cost: await runGateCost(COST_SOCKETS) };
}

if (process.argv[2] === 'cost' && import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const counts = process.argv.slice(3).map(Number);
  console.log(JSON.stringify(await runGateCost(counts.length > 0 ? counts : COST_SOCKETS), null, 2));
}
