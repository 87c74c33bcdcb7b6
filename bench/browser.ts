// The browser sections: throughput, time to authenticated open, reconnect and
// memory in Chromium, then throughput and time to open (loopback) in Firefox and
// WebKit with the same harness, in the same run. One page origin
// (http://localhost, so that the cookie carrier works), one BenchServer on
// 127.0.0.1 reached as ws://localhost.
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.ts';
import { ENGINES, launchEngine, type EngineName } from '../test/support/engines/index.ts';
import { findEngine } from '../scripts/find-engines.mjs';
import { startStaticServer, type StaticServer } from '../test/support/static-server.ts';
import { BUILD_DIR, ROOT } from './paths.ts';
import { BenchServer } from './server.ts';
import { startDelayProxy } from './delay-proxy.ts';
import { startAckGate } from './ack-gate.ts';
import { epochNow, log, measureOr, sleep, summarize, within, type Summary, type Unmeasured } from './lib.ts';

export const CARRIERS = ['subprotocol', 'query', 'cookie', 'message'] as const;
export type BrowserCarrier = (typeof CARRIERS)[number];
/** Opens confirmed by the gate's ack (gate `ack: true`, client `auth.ack: true`). */
export const ACKED = ['subprotocol+ack', 'query+ack', 'cookie+ack'] as const;
/** The reconnect section's live clients' `reconnect.minUptime` (default 5000): restarts come after this long up. */
export const RECONNECT_MIN_UPTIME = 1000;
export const THROUGHPUT_KINDS = ['native', 'authsocket', 'reconnecting-websocket', 'partysocket'] as const;

export interface BrowserSettings {
  messages: number;
  throughputRuns: number;
  opens: number;
  reconnectTrials: number;
  downtime: number;
  cycles: number;
  /** Cycles run after `cycles`, to tell a leak (keeps growing) from warm-up (levels off). */
  extraCycles: number;
  /** One-way delay of the proxy for the second open-time table (ms). */
  latency: number;
}

export interface BrowserResults {
  chromium: string;
  isolated: boolean;
  throughput: Array<{ kind: string; msgsPerSec: Summary; ms: Summary; runs: number[] }>;
  rtt: Summary;
  /** Raw times are in interleaved round order: index i of each variant is from the same round. */
  openTimes: Array<{ variant: string; ms: Summary; times: number[] }>;
  /** The same through the delay proxy (round trip = 2 × latency + loopback). */
  openTimesDelayed: Array<{ variant: string; ms: Summary; times: number[] }>;
  rttDelayed: Summary;
  reconnect: Array<{ carrier: string; acceptToOpen: Summary; attemptToOpen: Summary; listenToOpen: Summary }>;
  /** The live clients' `reconnect.minUptime`: each restart comes after the connection lasted that long. */
  reconnectMinUptime?: number;
  clockError: number;
  /** Heap after 10 cycles, after `cycles`, and after `extra` more (does growth go on, or was it warm-up?). */
  memory: Array<{ kind: string; after10: number; after1000: number; cycles: number; afterExtra: number; extra: number }>;
  /** Throughput and loopback open times in the other engines (same harness, same run); `skipped` says why one is missing. */
  engines?: Array<EngineResults>;
  /** Sections (or carriers, engines) that failed to measure in this run, and why. */
  unmeasured?: Unmeasured[];
}

export interface EngineResults {
  engine: string;
  version: string;
  skipped?: string;
  throughput: Array<{ kind: string; msgsPerSec: Summary; ms: Summary; runs: number[] }>;
  rtt: Summary;
  openTimes: Array<{ variant: string; ms: Summary; times: number[] }>;
}

/** Bundles the peers for the page into one IIFE: globals ReconnectingWebSocket and PartySocketWS. */
async function buildPeers(): Promise<string> {
  mkdirSync(BUILD_DIR, { recursive: true });
  const outfile = join(BUILD_DIR, 'peers.js');
  await build({
    stdin: {
      contents: [
        `import ReconnectingWebSocket from 'reconnecting-websocket';`,
        `import PartySocketWS from 'partysocket/ws';`,
        `window.ReconnectingWebSocket = ReconnectingWebSocket;`,
        `window.PartySocketWS = PartySocketWS;`,
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'js',
      sourcefile: 'peers.entry.js',
    },
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    outfile,
    logLevel: 'silent',
  });
  return readFileSync(outfile, 'utf8');
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>authsocket bench</title>
<script src="/dist/authsocket.min.js"></script>
<script src="/bench/peers.js"></script>
<script src="/bench/harness.js"></script>`;

async function serveBench(statics: StaticServer): Promise<void> {
  const peers = await buildPeers();
  const harness = readFileSync(join(ROOT, 'bench', 'page', 'harness.js'), 'utf8');
  // Cross-origin isolation gives the page a 5 µs clock instead of 100 µs.
  const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  statics.route('/bench.html', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html', ...isolation }).end(PAGE));
  statics.route('/bench/peers.js', (_req, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(peers));
  statics.route('/bench/harness.js', (_req, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(harness));
}

async function openPage(browser: Browser, statics: StaticServer): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  await page.goto(`${statics.origin('localhost')}/bench.html`);
  await page.waitForFunction(() => (window as any).bench && (window as any).AuthSocket && (window as any).PartySocketWS, null, { timeout: 10_000 });
  return page;
}

/** Rotates `list` by `i`, so that no client always runs first (interleaving). */
const rotate = <T>(list: readonly T[], i: number): T[] => list.map((_, k) => list[(k + i) % list.length]!);

/** Offset of the page's epoch clock from Node's, from the round trip with the smallest delay. */
async function clockOffset(page: Page): Promise<{ offset: number; error: number }> {
  let best = { offset: 0, error: Infinity };
  for (let i = 0; i < 50; i++) {
    const before = epochNow();
    const pageEpoch = await page.evaluate(() => (window as any).bench.epoch() as number);
    const after = epochNow();
    const error = (after - before) / 2;
    if (error < best.error) best = { offset: pageEpoch - (before + after) / 2, error };
  }
  return best;
}

export async function runBrowser(settings: BrowserSettings, only: (section: string) => boolean): Promise<BrowserResults> {
  const browser = await launchBrowser();
  const statics = await startStaticServer();
  const server = await new BenchServer().start();
  const base = `ws://localhost:${server.port}`;
  const results: BrowserResults = {
    chromium: browser.version(),
    isolated: false,
    throughput: [],
    rtt: summarize([]),
    openTimes: [],
    openTimesDelayed: [],
    rttDelayed: summarize([]),
    reconnect: [],
    reconnectMinUptime: RECONNECT_MIN_UPTIME,
    clockError: NaN,
    memory: [],
    unmeasured: [],
  };
  const unmeasured = results.unmeasured!;
  try {
    await serveBench(statics);
    const page = await openPage(browser, statics);
    results.isolated = await page.evaluate(() => (window as any).bench.isolated() as boolean);
    const call = pageCall(page);

    if (only('throughput')) results.throughput = (await measureOr('throughput', unmeasured, () => measureThroughput(call, base, settings))) ?? [];
    if (only('open')) await measureOr('open', unmeasured, async () => {
      // The acked rows go to the real gate (ack: true); the others to the bench server.
      const ackGate = await startAckGate(statics.origin('localhost'));
      const proxy = await startDelayProxy(server.port, settings.latency);
      const ackProxy = await startDelayProxy(ackGate.port, settings.latency);
      try {
        const direct = await measureOpens(call, base, settings, 'loopback', `ws://localhost:${ackGate.port}`);
        results.rtt = direct.rtt;
        results.openTimes = direct.rows;
        const delayed = await measureOpens(call, `ws://localhost:${proxy.port}`, settings, `+${settings.latency} ms each way`, `ws://localhost:${ackProxy.port}`);
        results.rttDelayed = delayed.rtt;
        results.openTimesDelayed = delayed.rows;
      } finally {
        await Promise.all([proxy.close(), ackProxy.close(), ackGate.close()]);
      }
    });

    if (only('reconnect')) {
      log(`reconnect: ${settings.reconnectTrials} server restarts × ${CARRIERS.length} carriers (down ${settings.downtime} ms, each after ${RECONNECT_MIN_UPTIME} ms up)`);
      const clock = await clockOffset(page);
      results.clockError = clock.error;
      for (const carrier of CARRIERS) {
        const row = await measureOr(`reconnect (${carrier})`, unmeasured, () => measureReconnect(call, server, base, carrier, clock, settings));
        if (row) results.reconnect.push(row);
      }
    }
    await page.close();

    if (only('memory')) await measureOr('memory', unmeasured, async () => {
      for (const kind of ['native', 'authsocket'] as const) {
        log(`memory: ${kind}, ${settings.cycles} + ${settings.extraCycles} connect/close cycles`);
        const memPage = await openPage(browser, statics);
        const cdp = await memPage.context().newCDPSession(memPage);
        const heap = async () => {
          for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
          return (await cdp.send('Runtime.getHeapUsage')).usedSize;
        };
        const cycles = (count: number) =>
          within(memPage.evaluate(([k, b, c]) => (window as any).bench.cycles(k, b, c), [kind, base, count] as const), 180_000, `${kind} cycles`);
        await cycles(10);
        const after10 = await heap();
        await cycles(settings.cycles - 10);
        const after1000 = await heap();
        await cycles(settings.extraCycles);
        const afterExtra = await heap();
        results.memory.push({ kind, after10, after1000, cycles: settings.cycles, afterExtra, extra: settings.extraCycles });
        await cdp.detach();
        await memPage.close();
      }
    });
    if (only('throughput') || only('open')) {
      await browser.close().catch(() => {});
      results.engines = [];
      for (const name of ['firefox', 'webkit'] as EngineName[]) {
        const measured = await measureOr(ENGINES[name].label, unmeasured, () => measureEngine(name, statics, base, settings, only));
        results.engines.push(measured ?? { engine: ENGINES[name].label, version: '', throughput: [], rtt: summarize([]), openTimes: [], skipped: `could not measure: ${unmeasured.at(-1)!.reason}` });
      }
    }
  } finally {
    await browser.close().catch(() => {});
    await statics.close().catch(() => {});
    await server.stop().catch(() => {});
  }
  return results;
}

type Call = <T>(fn: string, ...args: unknown[]) => Promise<T>;

/**
 * One carrier's live client through `settings.reconnectTrials` server restarts.
 * Each restart comes once the connection has lasted `minUptime`, as a restart
 * in production does: the backoff has started over, so every trial measures
 * the same thing (kills that come sooner make each wait longer than the last).
 */
async function measureReconnect(call: Call, server: BenchServer, base: string, carrier: BrowserCarrier, clock: { offset: number; error: number }, settings: BrowserSettings): Promise<BrowserResults['reconnect'][number]> {
  const acceptToOpen: number[] = [];
  const listenToOpen: number[] = [];
  await call('startLive', carrier, base, carrier, { minUptime: RECONNECT_MIN_UPTIME });
  try {
    for (let trial = 0; trial < settings.reconnectTrials; trial++) {
      const openedBefore = await call<number>('confirmed', carrier);
      await call('steady', carrier, RECONNECT_MIN_UPTIME + 50);
      await server.stop();
      await sleep(settings.downtime);
      server.accepts = [];
      await server.start();
      const listening = epochNow();
      let opens: number[];
      const deadline = Date.now() + 20_000;
      while ((opens = await call<number[]>('opens', carrier)).length <= openedBefore) {
        if (Date.now() > deadline) throw new Error(`${carrier} did not reopen within 20 s of restart ${trial + 1}`);
        await sleep(5);
      }
      const openedAt = opens[openedBefore]! - clock.offset;
      const accepted = server.accepts.filter((a) => a.at <= openedAt + clock.error + 1).at(-1);
      if (accepted) acceptToOpen.push(openedAt - accepted.at);
      listenToOpen.push(openedAt - listening);
    }
    const attemptToOpen = (await call<number[]>('attempts', carrier)).slice(1); // the first open is not a reconnect
    return { carrier, acceptToOpen: summarize(acceptToOpen), attemptToOpen: summarize(attemptToOpen), listenToOpen: summarize(listenToOpen) };
  } finally {
    await call('stopLive', carrier).catch(() => {});
    if (!server.listening) await server.start(); // the next carrier needs it
  }
}

const pageCall = (page: Page): Call => <T>(fn: string, ...args: unknown[]) =>
  page.evaluate(([f, a]) => (window as any).bench[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;

async function measureThroughput(call: Call, base: string, settings: BrowserSettings): Promise<BrowserResults['throughput']> {
  log(`throughput: ${settings.messages} messages × ${settings.throughputRuns} runs × ${THROUGHPUT_KINDS.length} clients, interleaved`);
  for (const kind of THROUGHPUT_KINDS) await call<number>('throughput', kind, base, Math.min(5_000, settings.messages)); // warm-up
  const runs = new Map<string, number[]>(THROUGHPUT_KINDS.map((kind) => [kind, []]));
  for (let run = 0; run < settings.throughputRuns; run++) {
    for (const kind of rotate(THROUGHPUT_KINDS, run)) runs.get(kind)!.push(await call<number>('throughput', kind, base, settings.messages));
  }
  return THROUGHPUT_KINDS.map((kind) => {
    const ms = runs.get(kind)!;
    return { kind, ms: summarize(ms), msgsPerSec: summarize(ms.map((t) => (settings.messages * 1000) / t)), runs: ms };
  });
}

const OPEN_VARIANTS = ['native', ...CARRIERS, ...ACKED] as const;
type Variant = (typeof OPEN_VARIANTS)[number];

/** Time to an authenticated open per variant; the acked rows (`via+ack`) go to `ackBase` (a gate with `ack: true`), when given. */
async function measureOpens(call: Call, wsBase: string, settings: BrowserSettings, what: string, ackBase?: string) {
  const variants = OPEN_VARIANTS.filter((v) => ackBase || !v.endsWith('+ack'));
  log(`open (${what}): ${settings.opens} opens × ${variants.length} variants, interleaved`);
  const rtt = summarize(await call<number[]>('roundTrip', wsBase, 50));
  const times = new Map<string, number[]>(variants.map((v) => [v, []]));
  const once = (v: Variant) => {
    if (v === 'native') return call<number>('openTime', 'native', wsBase);
    const [via, acked] = v.split('+');
    return call<number>('openTime', 'authsocket', acked ? ackBase : wsBase, via, acked === 'ack');
  };
  for (let i = 0; i < 5; i++) for (const v of variants) await once(v); // warm-up
  for (let i = 0; i < settings.opens; i++) {
    for (const v of rotate(variants, i)) {
      times.get(v)!.push(await once(v));
      // Back-to-back opens to one host are throttled by Chromium (~10 ms);
      // a short idle gap measures the handshake, not the throttle.
      await sleep(20);
    }
  }
  return { rtt, rows: variants.map((v) => ({ variant: v, ms: summarize(times.get(v)!), times: times.get(v)! })) };
}

/** Throughput and loopback open times in another engine, on the same page server and BenchServer. */
async function measureEngine(name: EngineName, statics: StaticServer, base: string, settings: BrowserSettings, only: (section: string) => boolean): Promise<EngineResults> {
  const empty: EngineResults = { engine: ENGINES[name].label, version: '', throughput: [], rtt: summarize([]), openTimes: [] };
  const wanted = process.env.ENGINES?.split(',').map((e) => e.trim().toLowerCase());
  if (wanted && !wanted.includes(name)) return { ...empty, skipped: `not selected (ENGINES=${process.env.ENGINES})` };
  const found = findEngine(name);
  if (!found.path) return { ...empty, skipped: found.missing };
  log(`${ENGINES[name].label}: throughput and open times`);
  const browser = await launchEngine(name);
  try {
    const page = await openPage(browser, statics);
    const call = pageCall(page);
    const results: EngineResults = { ...empty, version: browser.version() };
    if (only('throughput')) results.throughput = await measureThroughput(call, base, settings);
    if (only('open')) {
      const direct = await measureOpens(call, base, settings, `${name}, loopback`);
      results.rtt = direct.rtt;
      results.openTimes = direct.rows;
    }
    await page.close();
    return results;
  } finally {
    await browser.close().catch(() => {});
  }
}
