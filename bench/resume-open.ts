// What `resume` costs at open: the shipped client (dist/index.js, on Node's
// `ws`) against the shipped gate (dist/server.js) through the bench's delay
// proxy (10 ms each way, so a round trip is ~20 ms and counting round trips is
// possible). Rows: a plain acked open (`auth.ack` against `ack: true`: `open`
// means "credential accepted") and its reconnect(), against `resume` on both
// sides: the first open (session 'new') and a reconnect() that resumes the
// session. The request rides in the upgrade and the answer is the gate's first
// frame, so a resumed open should cost no round trip more than an acked one.
// Run alone: node --import tsx bench/resume-open.ts [--quick]; `npm run bench`
// runs it as the section `resume`.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { startAckGate } from './ack-gate.ts';
import { startDelayProxy } from './delay-proxy.ts';
import { summarize, type Summary } from './lib.ts';
import { ROOT } from './paths.ts';
import { TOKEN } from './server.ts';

export interface ResumeOpenRow {
  what: string;
  /** ms from `new AuthSocket` (or `reconnect()`) to `open`. */
  ms: Summary;
  /** The same in round trips of the delay proxy. */
  rtts: number;
}

export interface ResumeOpenResults {
  oneWay: number;
  rows: ResumeOpenRow[];
  /**
   * Echoed messages per second on loopback (no delay), `resume` off and on:
   * medians of `runs` alternating runs; `cpu`: µs of CPU per echoed message
   * (client and gate share the process), medians too.
   */
  throughput?: { messages: number; runs?: number; off: number; on: number; ratio: number; cpu?: { off: number; on: number } };
}

// Node's `ws` sends no Origin of its own: the bench client says it is a page of this origin.
const ORIGIN = 'http://localhost';

/** Node's `ws` with the Origin header a page of {@link ORIGIN} sends. */
class OriginWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { origin: ORIGIN });
  }
}

/** Medians of `runs` opens and reconnects of a client with `options` against the gate behind the proxy. */
async function measure(url: string, options: Record<string, unknown>, runs: number): Promise<{ open: number[]; reopen: number[]; sessions: string[] }> {
  const { AuthSocket } = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const open: number[] = [];
  const reopen: number[] = [];
  const sessions: string[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const socket = new AuthSocket(url, { WebSocket: OriginWebSocket, reconnect: { minDelay: 0, maxDelay: 0 }, ...options });
    const opened = () => new Promise<{ session?: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no open within 5 s')), 5000);
      const off = socket.on('open', (event: { session?: string }) => {
        clearTimeout(timer);
        off();
        resolve(event);
      });
    });
    await opened();
    open.push(performance.now() - started);
    const again = opened();
    const restarted = performance.now();
    socket.reconnect();
    const { session } = await again;
    reopen.push(performance.now() - restarted);
    if (session) sessions.push(session);
    socket.close();
  }
  return { open, reopen, sessions };
}

/**
 * Echoed messages per second (`count` JSON messages sent at once, until the last
 * echo arrived), and the µs of CPU this process spent per message meanwhile.
 */
async function echoRate(url: string, options: Record<string, unknown>, count: number): Promise<{ rate: number; cpu: number }> {
  const { AuthSocket } = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const socket = new AuthSocket(url, { WebSocket: OriginWebSocket, queue: { max: count + 10 }, ...options });
  await new Promise<void>((resolve) => socket.once('open', () => resolve()));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const done = new Promise<void>((resolve) => {
    let echoed = 0;
    socket.on('message', () => ++echoed === count && resolve());
  });
  for (let i = 0; i < count; i++) socket.send({ type: 'n', n: i, text: 'the quick brown fox' });
  await done;
  const rate = count / ((performance.now() - started) / 1000);
  const { user, system } = process.cpuUsage(cpuBefore);
  socket.close();
  return { rate, cpu: (user + system) / count };
}

export async function runResumeOpen(runs = 30, oneWay = 10): Promise<ResumeOpenResults> {
  const acked = await startAckGate(ORIGIN);
  const resuming = await startAckGate(ORIGIN, { ack: false, resume: true });
  const ackedProxy = await startDelayProxy(acked.port, oneWay);
  const resumeProxy = await startDelayProxy(resuming.port, oneWay);
  try {
    const rtt = 2 * oneWay;
    const plain = await measure(`ws://127.0.0.1:${ackedProxy.port}/`, { auth: { via: 'subprotocol', token: TOKEN, ack: true } }, runs);
    const resumed = await measure(`ws://127.0.0.1:${resumeProxy.port}/`, { auth: { via: 'subprotocol', token: TOKEN }, resume: true }, runs);
    if (!resumed.sessions.every((session) => session === 'resumed')) throw new Error(`reconnect() did not resume: ${resumed.sessions.join(' ')}`);
    const row = (what: string, values: number[]): ResumeOpenRow => {
      const ms = summarize(values);
      return { what, ms, rtts: Math.round((ms.median / rtt) * 10) / 10 };
    };
    // Throughput on loopback: acknowledgements are the only frames resume adds.
    // Wall-clock rates on a shared machine swing by 2× from run to run (the
    // socket writes dominate): many alternating runs, and the CPU per message too.
    const messages = runs >= 30 ? 20_000 : 2_000;
    const throughputRuns = runs >= 30 ? 21 : 3;
    const echo = (resume: boolean, count: number) => echoRate(
      `ws://127.0.0.1:${(resume ? resuming : acked).port}/`,
      resume ? { auth: { via: 'subprotocol', token: TOKEN }, resume: true } : { auth: { via: 'subprotocol', token: TOKEN, ack: true } },
      count,
    );
    await echo(false, messages / 4); // warm-up
    await echo(true, messages / 4);
    const off: Array<{ rate: number; cpu: number }> = [];
    const on: Array<{ rate: number; cpu: number }> = [];
    // The order swaps every pair: what one run leaves to the collector is paid by the next.
    for (let i = 0; i < throughputRuns; i++) {
      for (const resume of i % 2 ? [true, false] : [false, true]) (resume ? on : off).push(await echo(resume, messages));
    }
    const median = (runs: Array<{ rate: number; cpu: number }>, key: 'rate' | 'cpu') => summarize(runs.map((run) => run[key])).median;
    const [offRate, onRate] = [median(off, 'rate'), median(on, 'rate')];
    return {
      oneWay,
      throughput: { messages, runs: throughputRuns, off: offRate, on: onRate, ratio: onRate / offRate, cpu: { off: median(off, 'cpu'), on: median(on, 'cpu') } },
      rows: [
        row('acked open (auth.ack, gate ack: true)', plain.open),
        row("resume: first open ('new')", resumed.open),
        row('acked reconnect()', plain.reopen),
        row("resume: reconnect() ('resumed')", resumed.reopen),
      ],
    };
  } finally {
    await Promise.all([ackedProxy.close(), resumeProxy.close()]);
    await Promise.all([acked.close(), resuming.close()]);
  }
}

/** The table, as RESULTS.md and the console show it. */
export function renderResumeOpen({ oneWay, rows }: ResumeOpenResults): string {
  const lines = [
    `| open, through the delay proxy (+${oneWay} ms each way) | median ms | min–max ms | round trips (median) |`,
    '|---|---:|---:|---:|',
    ...rows.map(({ what, ms, rtts }) => `| ${what} | ${ms.median.toFixed(1)} | ${ms.min.toFixed(1)}–${ms.max.toFixed(1)} | ${rtts} |`),
  ];
  return lines.join('\n');
}

/** The throughput line under the table. */
export function renderResumeThroughput({ throughput }: ResumeOpenResults): string {
  if (!throughput) return '';
  const { messages, runs = 5, off, on, ratio, cpu } = throughput;
  const cpuLine = cpu ? ` CPU per echoed message (client and gate in this one process): off ${cpu.off.toFixed(2)} µs, on ${cpu.on.toFixed(2)} µs (${cpu.on >= cpu.off ? '+' : ''}${(((cpu.on - cpu.off) / cpu.off) * 100).toFixed(0)} %).` : '';
  return `Throughput on loopback (Node, ${messages.toLocaleString('en')} echoed JSON messages, median of ${runs} alternating runs): \`resume\` off ${Math.round(off).toLocaleString('en')}/s, on ${Math.round(on).toLocaleString('en')}/s: ${(ratio * 100).toFixed(0)} % (target ≥ 95 %).${cpuLine}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await runResumeOpen(process.argv.includes('--quick') ? 5 : 30);
  console.log(renderResumeOpen(results));
  console.log(renderResumeThroughput(results));
  process.exit(0);
}
