// Reconnect storm: N Node clients (authsocket from dist/index.js over Node's
// `ws`, half with the `header` carrier, half with `query`) lose the server at
// once; it comes back after `downtime` ms. Records, for each client, the time
// from the server listening again to its authenticated `open`, and when the
// server saw their upgrades: full jitter should spread them across the window.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ROOT } from './paths.ts';
import { BenchServer, TOKEN } from './server.ts';
import { epochNow, log, percentile, sleep, summarize, until, type Summary } from './lib.ts';

export interface StormResults {
  clients: number;
  downtime: number;
  /** ms from the server listening again to each client's open. */
  reopen: Summary & { p90: number };
  histogram: Array<{ from: number; to: number; count: number }>;
  bucket: number;
  /** Most upgrades the server accepted within any `peakWindow` ms after coming back. */
  peak: number;
  peakWindow: number;
  /** Failed attempts (reconnecting events) while the server was down. */
  retriesWhileDown: number;
}

interface Client {
  on(type: string, listener: (payload: any) => void): () => void;
  close(code?: number): void;
  state: string;
}

export async function runStorm(count: number, downtime: number, bucket = 250, peakWindow = 100): Promise<StormResults> {
  const { AuthSocket } = (await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)) as {
    AuthSocket: new (url: string, options: object) => Client;
  };
  const server = await new BenchServer().start();
  const clients: Client[] = [];
  const opens: number[][] = [];
  let retries = 0;
  try {
    for (let i = 0; i < count; i++) {
      const via = i % 2 ? 'query' : 'header';
      const socket = new AuthSocket(server.url('127.0.0.1', '/ws'), { WebSocket, auth: { via, token: () => TOKEN } });
      const mine: number[] = (opens[i] = []);
      socket.on('open', () => mine.push(epochNow()));
      socket.on('reconnecting', () => { retries += 1; });
      socket.on('error', () => {});
      clients.push(socket);
    }
    await until(() => opens.every((o) => o.length >= 1), 30_000, `${count} clients open`, 10);
    // Authsocket confirms a connection after 2 s open (no app traffic here):
    // wait for that so that every client starts the storm with a fresh backoff.
    await sleep(2_200);
    log(`storm: ${count} clients open; killing the server for ${downtime} ms`);
    retries = 0;
    await server.stop();
    await sleep(downtime);
    const retriesWhileDown = retries;
    server.accepts = [];
    await server.start();
    const up = epochNow();
    await until(() => opens.every((o) => o.length >= 2), 60_000, `${count} clients reopen`, 10);
    const reopen = opens.map((o) => o[1]! - up);
    const width = Math.max(bucket, Math.ceil(Math.max(...reopen) / bucket) * bucket);
    const histogram = [];
    for (let from = 0; from < width; from += bucket) {
      histogram.push({ from, to: from + bucket, count: reopen.filter((t) => t >= from && t < from + bucket).length });
    }
    const accepts = server.accepts.map((a) => a.at).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < accepts.length; i++) {
      while (accepts[i]! - accepts[j]! > peakWindow) j++;
      peak = Math.max(peak, i - j + 1);
    }
    return {
      clients: count,
      downtime,
      reopen: { ...summarize(reopen), p90: percentile(reopen, 90) },
      histogram,
      bucket,
      peak,
      peakWindow,
      retriesWhileDown,
    };
  } finally {
    for (const socket of clients) socket.close(1000);
    await server.stop();
  }
}
