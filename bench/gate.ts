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

export interface GateResults {
  available: boolean;
  note?: string;
  clients: number;
  rows: Array<{ carrier: string; perSec: Summary; runs: number[] }>;
}

async function startChild(mode: 'gate' | 'plain', serverModule: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'gate-server.mjs'), mode, TOKEN, ORIGIN, serverModule], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await within(new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line!).port);
    });
    child.once('exit', (code) => reject(new Error(`gate server exited (${code})`)));
  }), 10_000, `${mode} server start`);
  return { port, child };
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
  return { available: true, clients, rows };
}
