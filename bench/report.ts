// Renders a run's figures as markdown: the full bench/RESULTS.md and the short
// summary that goes into bench/README.md. Every number comes from `results`.
import { renderResumeOpen, renderResumeThroughput, type ResumeOpenResults } from './resume-open.ts';
import type { BrowserResults } from './browser.ts';
import type { GateResults } from './gate.ts';
import type { ResumeResults } from './resume.ts';
import type { FeatureSizes, SizeRow } from './sizes.ts';
import type { StormResults } from './storm.ts';
import { fmt, summarize, table, type Summary, type Unmeasured } from './lib.ts';

export interface RunInfo {
  date: string;
  commit: string;
  dirty: boolean;
  cpu: string;
  memory: string;
  os: string;
  node: string;
  chromium: string;
  quick: boolean;
  settings: Record<string, number>;
  seconds: number;
  /** 1-minute load average at the start (other work on the machine adds noise). */
  load?: number;
  /** Sections re-measured later by `--only=… --merge` (the rest are this run's). */
  merged?: Array<{ sections: string[]; date: string; commit: string; dirty: boolean }>;
}

export interface Results {
  info: RunInfo;
  sizes: SizeRow[];
  /** Each optional feature's bytes in the CDN build (absent in runs before it was measured). */
  features?: FeatureSizes | undefined;
  browser?: BrowserResults | undefined;
  storm?: StormResults | undefined;
  gate?: GateResults | undefined;
  /** `resume` at open: a resumed open against an acked one (bench/resume-open.ts). */
  resume?: ResumeOpenResults | undefined;
  /** `resume` on against off at the gate (absent in runs before it was measured). */
  resumeGate?: ResumeResults | undefined;
  /** Sections outside the browser that failed to measure in this run, and why. */
  unmeasured?: Unmeasured[];
}

/** The issues' targets (sizes: issue 15; the CI budgets are scripts/size-budget.mjs). */
export const TARGETS = {
  iifeGzip: 11_000,
  appGzip: 8_000,
  throughputRatio: 0.95,
  extraRoundTrips: { subprotocol: 0, query: 0, cookie: 0, message: 1, 'subprotocol+ack': 0, 'query+ack': 0, 'cookie+ack': 0 } as Record<string, number>,
  /** "Flat" heap: at most this many bytes per connect/close cycle retained beyond native's drift. */
  bytesPerCycle: 16,
  /** The gate's heap per held socket and CPU per upgrade, as a multiple of a bare `ws` server's. */
  gateCostRatio: 1.5,
};

const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

function machine(info: RunInfo): string {
  return `${info.cpu}, ${info.memory} RAM, ${info.os}; Node ${info.node}${info.chromium ? `; Chromium ${info.chromium}` : ''}${info.load === undefined ? '' : `; load average ${info.load.toFixed(1)} at the start`}`;
}

function featureSection(features: FeatureSizes | undefined): string[] {
  if (!features) return [];
  return [
    '### What each optional feature costs in the CDN build',
    '',
    `The CDN build again (same rollup config and terser options, in memory and without the sourceMappingURL line: ${fmt.bytes(features.full.gzipped)} min+gzip) with one feature stubbed out; marginal = full − without. A stub replaces the exports the rest of the client calls into (bench/featureCost.ts, method in bench/README.md), so the few bytes of wiring in AuthSocket.ts stay in the core. n/a: the feature's module is not on this checkout (yet).`,
    '',
    table(['feature', 'marginal min+gzip', 'marginal minified', 'CDN build without it', 'note'], features.rows.map((row) => [
      row.name,
      row.marginal === undefined ? 'n/a' : `**${fmt.bytes(row.marginal)}**`,
      row.minifiedMarginal === undefined ? 'n/a' : fmt.bytes(row.minifiedMarginal),
      row.without === undefined ? 'n/a' : fmt.bytes(row.without),
      row.note ?? '',
    ])),
    '',
    'Marginal bytes do not add up to a total: gzip shares strings and patterns between features, so dropping two saves less or more than the sum of their rows.',
    '',
  ];
}

function sizeSection(sizes: SizeRow[], features: FeatureSizes | undefined): string[] {
  if (!sizes.length) return [];
  const ours = sizes[0]!;
  const app = sizes.find((row) => row.name.startsWith('authsocket one-carrier app'));
  const floors = sizes.filter((row) => row.name.startsWith('floor:'));
  return [
    '## Size (min+gzip, gzip -9)',
    '',
    'authsocket\'s CDN build as shipped; the one-carrier app of the CI budget (bench/fixtures/one-carrier-app.js: imports `authsocket/lite` by name, uses `via: subprotocol`); an app that imports only `AuthSocket` from the ESM entry; each peer is a one-line entry bundled the same way (`esbuild --bundle --minify`, ESM, browser, legal comments dropped), gzipped with node:zlib level 9.',
    '',
    table(['bundle', 'has', 'minified', 'min+gzip', '× authsocket CDN'], sizes.map((row) => [
      row.name, row.features, fmt.bytes(row.minified), `**${fmt.bytes(row.gzipped)}**`, fmt.x(row.gzipped / ours.gzipped),
    ])),
    '',
    `Targets (issue 15): CDN build ≤ ${fmt.bytes(TARGETS.iifeGzip)} — ${verdict(ours.gzipped <= TARGETS.iifeGzip)} (${fmt.bytes(ours.gzipped)})${app ? `; one-carrier app ≤ ${fmt.bytes(TARGETS.appGzip)} — ${verdict(app.gzipped <= TARGETS.appGzip)} (${fmt.bytes(app.gzipped)})` : ''}. CI budgets (scripts/size-budget.mjs, \`npm run size\`)${features ? `: ${fmt.bytes(features.budgets.cdn)} and ${fmt.bytes(features.budgets.app)}` : ''}.`,
    ...(floors.length ? [
      '',
      `The floor rows (bench/messageFloor.ts) are the same code with every string over 12 characters (error messages, debug lines, hints) cut to one character: no build can get there by trimming text alone. ${floors.map((row) => `${row.name.slice(7)}: ${fmt.bytes(row.gzipped)}`).join('; ')}.`,
    ] : []),
    '',
    ...featureSection(features),
  ];
}

function throughputSection(b: BrowserResults, info: RunInfo): string[] {
  if (!b.throughput.length) return [];
  const native = b.throughput.find((t) => t.kind === 'native')!;
  const ours = b.throughput.find((t) => t.kind === 'authsocket')!;
  return [
    '## Throughput (Chromium, loopback)',
    '',
    `${fmt.int(info.settings.messages!)} small JSON messages (\`{"type":"chat","id":n,"text":"hello, world"}\`) sent at once and echoed by one \`ws\` server; time from the first send to the last decoded echo (order checked). Every client encodes with \`JSON.stringify\` and decodes with \`JSON.parse\` (authsocket through its default codec). ${info.settings.throughputRuns} runs per client after a warm-up, clients interleaved (the order rotates each run); a new connection per run, the open not timed.`,
    '',
    table(['client', 'messages/s (median)', 'min – max', 'time (median)', 'ratio to native'], b.throughput.map((t) => [
      t.kind, `**${fmt.int(t.msgsPerSec.median)}**`, fmt.range(t.msgsPerSec, fmt.int), fmt.ms(t.ms.median, 0), fmt.x(t.msgsPerSec.median / native.msgsPerSec.median),
    ])),
    '',
    `Target: authsocket ≥ ${TARGETS.throughputRatio}× native — ${verdict(ours.msgsPerSec.median / native.msgsPerSec.median >= TARGETS.throughputRatio)}.${
      ours.msgsPerSec.min <= native.msgsPerSec.max && native.msgsPerSec.min <= ours.msgsPerSec.max
        ? ' authsocket\'s and native\'s min – max ranges overlap: in this run the difference is within the run-to-run spread (Chromium plus the server on 2 cores), so read the ratio as "no measurable cost", not as a speed-up.'
        : ''
    }`,
    '',
  ];
}

type OpenRow = { variant: string; ms: Summary; times: number[] };

function openRows(rows: OpenRow[], rtt: number, withVerdict: boolean): string[][] {
  const native = rows.find((o) => o.variant === 'native')!;
  return rows.map((o) => {
    // Paired: round i of this variant against round i of native (interleaved).
    const delta = summarize(o.times.map((t, i) => t - native.times[i]!)).median;
    const target = TARGETS.extraRoundTrips[o.variant];
    const isNative = o.variant === 'native';
    return [
      isNative ? 'native WebSocket (query token)' : o.variant.endsWith('+ack')
        ? `authsocket via ${o.variant.slice(0, -4)}, acked (gate \`ack\`, client \`auth.ack\`)`
        : `authsocket via ${o.variant}`,
      `**${fmt.ms(o.ms.median, 2)}**`,
      fmt.range(o.ms, (n) => fmt.ms(n, 2)),
      isNative ? '–' : fmt.ms(delta, 2),
      isNative ? '–' : (delta / rtt).toFixed(2),
      ...(withVerdict ? [target === undefined ? '–' : `+${target}: ${verdict(Math.abs(delta / rtt - target) <= 0.5)}`] : []),
    ];
  });
}

function openSection(b: BrowserResults, info: RunInfo): string[] {
  if (!b.openTimes.length) return [];
  const head = ['variant', 'open (median)', 'min – max', 'Δ vs native (median of paired rounds)', 'Δ in RTTs'];
  return [
    '## Time to authenticated open (Chromium)',
    '',
    `From the constructor to \`open\` (authsocket: after the ack for \`message\`; the *acked* rows talk to \`createAuthGate({ ack: true })\` with \`auth.ack: true\`, so their \`open\` waits for the gate's \`{"type":"auth_ok"}\` sent right after the 101: an open that means "credential accepted"), ${info.settings.opens} opens per variant after 5 warm-up opens, variants interleaved round by round, 20 ms idle between opens (Chromium throttles back-to-back opens to one host by ~10 ms, which would be measured instead). Page on http://localhost (so the cookie carrier works), server ws://localhost. The native baseline carries the token in the query. RTT = median echo time of one small message on an open native socket. Δ is the median over rounds of (variant − native in the same round).`,
    '',
    `**With ${info.settings.latency} ms added each way** (bench/delay-proxy.ts, a TCP proxy in front of the same server): RTT **${fmt.ms(b.rttDelayed.median, 2)}** (${fmt.range(b.rttDelayed, (n) => fmt.ms(n, 2))}). Here Δ in RTTs counts the extra round trips an authenticated open costs — the figure the target is about.`,
    '',
    table([...head, 'target extra RTTs (±0.5)'], openRows(b.openTimesDelayed, b.rttDelayed.median, true)),
    '',
    `**Bare loopback**: RTT ${fmt.ms(b.rtt.median, 2)} (${fmt.range(b.rtt, (n) => fmt.ms(n, 2))}). A round trip here is as small as the client's own JavaScript (credential provider, URL and protocol building, events), so Δ is mostly that work, not round trips.`,
    '',
    table(head, openRows(b.openTimes, b.rtt.median, false)),
    '',
  ];
}

function enginesSection(b: BrowserResults, info: RunInfo): string[] {
  const chromium = { engine: `Chromium ${info.chromium}`, throughput: b.throughput, openTimes: b.openTimes, rtt: b.rtt };
  const others = (b.engines ?? []).filter((e) => !e.skipped).map((e) => ({ ...e, engine: `${e.engine} ${e.version}` }));
  const skipped = (b.engines ?? []).filter((e) => e.skipped);
  if (!others.length && !skipped.length) return [];
  const all = [chromium, ...others];
  const ratio = (rows: typeof b.throughput, kind: string) => {
    const native = rows.find((t) => t.kind === 'native')?.msgsPerSec.median ?? NaN;
    const row = rows.find((t) => t.kind === kind);
    return row ? `${fmt.int(row.msgsPerSec.median)} (${fmt.x(row.msgsPerSec.median / native)})` : '–';
  };
  const kinds = b.throughput.map((t) => t.kind);
  const variants = b.openTimes.map((o) => o.variant);
  return [
    '## Chromium, Firefox and WebKit side by side',
    '',
    `The throughput and bare-loopback open measurements above, in each engine with the same page and harness, in this run (engines one after another; Firefox over WebDriver BiDi, WebKit's MiniBrowser over WebDriver on a private Xvfb display, reaching the servers through the tests' host-mapping proxy, which adds a loopback hop to every connection there). Messages/s (median, ratio to that engine's native WebSocket):`,
    '',
    ...(kinds.length ? [table(['engine', ...kinds], all.filter((e) => e.throughput.length).map((e) => [e.engine, ...kinds.map((k) => ratio(e.throughput, k))])), ''] : []),
    ...(variants.length ? [
      'Time to authenticated open, loopback (median):',
      '',
      table(['engine', 'RTT', ...variants], all.filter((e) => e.openTimes.length).map((e) => [
        e.engine, fmt.ms(e.rtt.median, 2), ...variants.map((v) => fmt.ms(e.openTimes.find((o) => o.variant === v)?.ms.median ?? NaN, 2)),
      ])),
      '',
    ] : []),
    ...skipped.map((e) => `${e.engine}: not measured (${e.skipped}).`),
    ...(skipped.length ? [''] : []),
  ];
}

function reconnectSection(b: BrowserResults, info: RunInfo): string[] {
  if (!b.reconnect.length) return [];
  const uptime = b.reconnectMinUptime === undefined
    ? 'default reconnect options) is connected; each open is confirmed by an echo before the next kill'
    : `default reconnect options but \`minUptime: ${b.reconnectMinUptime}\`) is connected; each kill comes once the connection has been open ${b.reconnectMinUptime} ms (its echo confirmed), as a restart of a long-running server does, so that every trial starts from a reset backoff (kills sooner than \`minUptime\` would grow the backoff from trial to trial)`;
  return [
    '## Reconnect (Chromium, loopback)',
    '',
    `One authsocket per carrier (${uptime}. The server is killed (connections destroyed, no close frame), stays down ${info.settings.downtime} ms and listens again on the same port; ${info.settings.reconnectTrials} restarts per carrier.`,
    '',
    '- **accept → open**: the server accepting the new upgrade to the page\'s `open` (authenticated). Node\'s and the page\'s clocks are aligned to ±' + fmt.ms(b.clockError, 2) + ', so small values can read slightly negative.',
    '- **attempt → open**: from the `connecting` event of the attempt that succeeded to `open`, all on the page\'s clock: the handshake plus authentication.',
    '- **listening → open**: the server listening again to `open`; includes the backoff wait (full jitter, uniform in [0, 500·2ⁿ] ms), so it is wide by design.',
    '',
    table(['carrier', 'accept → open (median)', 'min – max', 'attempt → open (median)', 'min – max', 'listening → open (median)', 'min – max'], b.reconnect.map((r) => [
      r.carrier, `**${fmt.ms(r.acceptToOpen.median, 2)}**`, fmt.range(r.acceptToOpen, (n) => fmt.ms(n, 2)),
      fmt.ms(r.attemptToOpen.median, 2), fmt.range(r.attemptToOpen, (n) => fmt.ms(n, 2)),
      fmt.ms(r.listenToOpen.median, 0), fmt.range(r.listenToOpen, (n) => fmt.ms(n, 0)),
    ])),
    '',
  ];
}

function stormSection(s: StormResults | undefined): string[] {
  if (!s) return [];
  const maxCount = Math.max(...s.histogram.map((h) => h.count), 1);
  const bars = s.histogram.map((h) => `${`${h.from}–${h.to} ms`.padStart(13)} | ${'█'.repeat(Math.round((h.count / maxCount) * 40)).padEnd(40)} ${h.count}`);
  return [
    '## Reconnect storm (Node clients)',
    '',
    `${s.clients} authsocket clients in one Node process (dist/index.js, Node \`ws\` through \`options.WebSocket\`, half \`header\`, half \`query\`) connected to one server, which is killed and comes back ${s.downtime} ms later. While it was down the clients scheduled ${s.retriesWhileDown} retries. Time from the server listening again to each client's authenticated \`open\`:`,
    '',
    `median **${fmt.ms(s.reopen.median, 0)}**, p90 ${fmt.ms(s.reopen.p90, 0)}, min – max ${fmt.range(s.reopen, (n) => fmt.ms(n, 0))}; at most **${s.peak}** of ${s.clients} upgrades reached the server within any ${s.peakWindow} ms.`,
    '',
    '```',
    ...bars,
    '```',
    '',
    'Full jitter (each delay uniform in [0, 500·2ⁿ] ms) spreads the clients over the window instead of bringing them back in one burst.',
    '',
  ];
}

function memorySection(b: BrowserResults): string[] {
  if (!b.memory.length) return [];
  const m0 = b.memory[0]!;
  const late = (m: BrowserResults['memory'][number]) => (m.afterExtra - m.after1000) / m.extra;
  const native = b.memory.find((m) => m.kind === 'native');
  return [
    '## Memory (Chromium)',
    '',
    `JS heap used (CDP \`HeapProfiler.collectGarbage\` ×3, then \`Runtime.getHeapUsage\`) after 10 connect → open → close cycles, after ${fmt.int(m0.cycles)}, and after ${fmt.int(m0.extra)} more; one fresh page per client. Early growth is warm-up (JIT code, inline caches, the browser's own bookkeeping: the native row has it too); a leak keeps growing after that. "Flat" means that over the last ${fmt.int(m0.extra)} cycles authsocket retained at most ${TARGETS.bytesPerCycle} B per cycle more than native.`,
    '',
    table(['client', `heap after 10`, `after ${fmt.int(m0.cycles)}`, `growth 10 → ${fmt.int(m0.cycles)}`, `after ${fmt.int(m0.cycles + m0.extra)}`, `per cycle, last ${fmt.int(m0.extra)}`, 'flat'], b.memory.map((m) => [
      m.kind, fmt.bytes(m.after10), fmt.bytes(m.after1000), fmt.bytes(m.after1000 - m.after10), fmt.bytes(m.afterExtra), `${late(m).toFixed(1)} B`,
      m === native ? '–' : verdict(late(m) - (native ? late(native) : 0) <= TARGETS.bytesPerCycle),
    ])),
    '',
  ];
}

type GateCost = NonNullable<GateResults['cost']>;

/** Held sockets, gate against bare `ws`: one row per socket count that has both servers. */
export function gateCostSection(cost: GateCost | undefined): string[] {
  const counts = [...new Set((cost ?? []).map((c) => c.sockets))];
  const pairs = counts.flatMap((sockets) => {
    const plain = cost!.find((c) => c.sockets === sockets && c.server === 'plain');
    const gate = cost!.find((c) => c.sockets === sockets && c.server === 'gate');
    return plain && gate ? [{ sockets, plain, gate }] : [];
  });
  if (!pairs.length) return [];
  const kib = (n: number) => `${n.toFixed(2)} KiB`;
  const micros = (n: number) => `${fmt.int(n)} µs`;
  const ratio = (gate: number, plain: number) => {
    const r = gate / plain;
    return `**${fmt.x(r)}** (${verdict(r <= TARGETS.gateCostRatio)})`;
  };
  return [
    '### Cost per socket',
    '',
    `Each count of sockets against a fresh server process (\`--expose-gc\`), first a bare \`ws\` server, then the gate (every carrier on, one user per socket); after 500 warm-up connections a second client process opens the sockets with the query carrier, 500 at a time, and holds them. Heap per socket = growth of the server's heap (after two full GCs) / sockets; CPU per upgrade = the server's CPU time (user + system) / sockets: the upgrade, the credential, \`verify\`, the welcome frame. Target: the gate at most ${TARGETS.gateCostRatio}× the bare server.`,
    '',
    table(['held sockets', 'heap/socket, bare ws', 'heap/socket, gate', 'ratio', 'CPU/upgrade, bare ws', 'CPU/upgrade, gate', 'ratio', 'upgrades/s, bare ws / gate'], pairs.map(({ sockets, plain, gate }) => [
      fmt.int(sockets),
      kib(plain.heapPerSocketKiB), kib(gate.heapPerSocketKiB), ratio(gate.heapPerSocketKiB, plain.heapPerSocketKiB),
      micros(plain.cpuPerUpgradeMicros), micros(gate.cpuPerUpgradeMicros), ratio(gate.cpuPerUpgradeMicros, plain.cpuPerUpgradeMicros),
      `${fmt.int(plain.upgradesPerSec)} / ${fmt.int(gate.upgradesPerSec)}`,
    ])),
    '',
  ];
}

/** Echo throughput through the gate, `resume` on against off. */
function resumeSection(r: ResumeResults | undefined): string[] {
  if (!r) return [];
  const perSec = (s: Summary) => `${fmt.int(s.median)} (${fmt.int(s.min)} – ${fmt.int(s.max)})`;
  return [
    '## `resume` at the gate: what acknowledgements cost',
    '',
    `One connection, ${fmt.int(r.messages)} small text messages echoed by the gate's app (at most ${r.window} unanswered), against a gate in its own process with \`resume\` off and on (in-memory store). With \`resume\` the client asks for a session and acknowledges every second and when asked, as the authsocket client does; the gate counts, keeps each echo until acknowledged, and acknowledges. Runs alternate off/on after a warm-up each; median of ${r.runs.on.length}. Target: on ≥ ${fmt.x(TARGETS.throughputRatio)} off (acknowledgements cost at most 5%).`,
    '',
    table(['gate', 'messages/s'], [['`resume` off', perSec(r.off)], ['`resume` on', perSec(r.on)]]),
    '',
    `On ÷ off: **${fmt.x(r.ratio)}** (${verdict(r.ratio >= TARGETS.throughputRatio)}).`,
    '',
  ];
}

function gateSection(g: GateResults | undefined): string[] {
  if (!g) return [];
  if (!g.available) return ['## Server gate', '', `Not measured: ${g.note}.`, ''];
  const base = g.rows[0]!;
  const limits = g.limits
    ? ` Every client comes from 127.0.0.1, so the gate runs with \`limits: { pending: ${g.limits.pending}, pendingPerAddress: ${g.limits.pendingPerAddress} }\` (defaults 1000 and 50: one address would get 429 past 50 sockets authenticating at once): this measures what the gate costs per connection, not the per-address limit, which a real deployment keeps low.`
    : '';
  return [
    '## Server gate (authsocket/server, Node)',
    '',
    `${fmt.int(g.clients)} concurrent \`ws\` clients per burst, each sending its carrier's credential the way the authsocket client does; a connection counts when the app's welcome message arrives (the gate verified and delivered the socket). The server runs in its own process (backlog 4096); the clients share one Node process, so on a 2-core machine the client side is part of the ceiling — the baseline row (a bare \`ws\` server, no Origin check, no auth) shows it. Median of ${g.rows[0]?.runs.length} bursts after a warm-up burst.${limits}`,
    '',
    table(['carrier', 'connections/s (median)', 'min – max', 'ratio to bare ws'], g.rows.map((r) => [
      r.carrier, `**${fmt.int(r.perSec.median)}**`, fmt.range(r.perSec, fmt.int), fmt.x(r.perSec.median / base.perSec.median),
    ])),
    '',
    ...(g.rows.slice(1).some((r) => r.perSec.min <= base.perSec.max && base.perSec.min <= r.perSec.max)
      ? [`Ranges that overlap the baseline's (${fmt.range(base.perSec, fmt.int)}) are within this run's burst-to-burst spread: on a shared 2-core machine, read them as "the gate costs no measurable throughput here", not as a ranking.`, '']
      : []),
    ...gateCostSection(g.cost),
  ];
}

function unmeasuredSection(unmeasured: Unmeasured[]): string[] {
  if (!unmeasured.length) return [];
  return [
    '**Not measured in this run** (the run went on without them; their tables below are missing or partial):',
    '',
    ...unmeasured.map((u) => `- ${u.section}: ${u.reason}`),
    '',
  ];
}

/** bench/MODULES.md has a script of its own (bench/modules.ts); RESULTS.md points to it. */
function modulesPointer(): string[] {
  return [
    '## Bytes per module (client core)',
    '',
    'Each module\'s share of the bundled client, the one-carrier `authsocket/lite` app and every',
    'feature, with the dependencies as published: [bench/MODULES.md](MODULES.md)',
    '(`node --import tsx bench/modules.ts`; a file of its own, not regenerated by `npm run bench`).',
    '',
  ];
}

export function renderResults(results: Results): string {
  const { info, browser } = results;
  return [
    '# authsocket benchmarks',
    '',
    `Generated by \`npm run bench\` (bench/run.ts) on ${info.date}, commit ${info.commit}${info.dirty ? ' (with uncommitted changes in src/)' : ''}, in ${info.seconds.toFixed(0)} s${info.quick ? ' — **--quick run: small counts, not representative**' : ''}. Do not edit by hand: run the bench again.`,
    '',
    `Machine: ${machine(info)}. Everything on loopback (127.0.0.1); medians with min – max.`,
    '',
    ...unmeasuredSection([...(results.unmeasured ?? []), ...(browser?.unmeasured ?? [])]),
    ...(info.merged ?? []).map((m) => `Re-measured with \`--only=${m.sections.join(',')} --merge\` on ${m.date}, commit ${m.commit}${m.dirty ? ' (with uncommitted changes in src/)' : ''}: ${m.sections.join(', ')}; the other sections are from the run above.\n`),
    ...sizeSection(results.sizes, results.features),
    ...(browser ? throughputSection(browser, info) : []),
    ...(browser ? openSection(browser, info) : []),
    ...(browser ? enginesSection(browser, info) : []),
    ...(browser ? reconnectSection(browser, info) : []),
    ...stormSection(results.storm),
    ...(browser ? memorySection(browser) : []),
    ...gateSection(results.gate),
    ...(results.resume ? ['## resume at open\n', 'The shipped client on Node against the shipped gate through the delay proxy; from `new AuthSocket` (or `reconnect()`) to `open`. The resume request rides in the upgrade and the answer is the gate\'s first frame: a resumed open costs no round trip more than an acked one.\n', renderResumeOpen(results.resume), '', renderResumeThroughput(results.resume), ''] : []),
    ...resumeSection(results.resumeGate),
    ...modulesPointer(),
  ].join('\n');
}

/** The short version for bench/README.md. */
export function renderSummary(results: Results): string {
  const { info, sizes, browser, storm, gate } = results;
  const lines = [`Last run: ${info.date.slice(0, 10)}, commit ${info.commit}, ${machine(info)}, ${info.seconds.toFixed(0)} s. Full tables: [RESULTS.md](RESULTS.md).`, ''];
  const find = (name: string) => sizes.find((s) => s.name.startsWith(name));
  if (sizes.length) {
    lines.push(`- Size, min+gzip: CDN build ${fmt.bytes(sizes[0]!.gzipped)}, one-carrier app ${fmt.bytes(find('authsocket one-carrier')?.gzipped ?? NaN)}, app importing \`AuthSocket\` ${fmt.bytes(find('authsocket (app')?.gzipped ?? NaN)}; reconnecting-websocket ${fmt.bytes(find('reconnecting')?.gzipped ?? NaN)}, partysocket/ws ${fmt.bytes(find('partysocket')?.gzipped ?? NaN)}, graphql-ws ${fmt.bytes(find('graphql')?.gzipped ?? NaN)}, Phoenix ${fmt.bytes(find('phoenix')?.gzipped ?? NaN)}, socket.io-client ${fmt.bytes(find('socket.io')?.gzipped ?? NaN)}, centrifuge ${fmt.bytes(find('centrifuge')?.gzipped ?? NaN)}.`);
  }
  if (results.features) {
    lines.push(`- Feature costs in the CDN build (min+gzip): ${results.features.rows.map((row) => `${row.name} ${row.marginal === undefined ? 'n/a' : fmt.bytes(row.marginal)}`).join(', ')}.`);
  }
  if (browser?.throughput.length) {
    const native = browser.throughput.find((t) => t.kind === 'native')!.msgsPerSec.median;
    lines.push(`- Throughput (Chromium, ${fmt.int(info.settings.messages!)} echoed JSON messages): ${browser.throughput.map((t) => `${t.kind} ${fmt.int(t.msgsPerSec.median)}/s (${fmt.x(t.msgsPerSec.median / native)})`).join(', ')}.`);
  }
  for (const e of browser?.engines ?? []) {
    if (e.skipped || !e.throughput.length) continue;
    const native = e.throughput.find((t) => t.kind === 'native')!.msgsPerSec.median;
    const ours = e.throughput.find((t) => t.kind === 'authsocket')!.msgsPerSec.median;
    const open = (v: string) => fmt.ms(e.openTimes.find((o) => o.variant === v)?.ms.median ?? NaN, 2);
    lines.push(`- ${e.engine} ${e.version}: native ${fmt.int(native)}/s, authsocket ${fmt.int(ours)}/s (${fmt.x(ours / native)}); open, loopback: native ${open('native')}, subprotocol ${open('subprotocol')}, message ${open('message')}.`);
  }
  if (browser?.openTimes.length) {
    lines.push(`- Time to authenticated open (median of ${info.settings.opens}), loopback: ${browser.openTimes.map((o) => `${o.variant} ${fmt.ms(o.ms.median, 2)}`).join(', ')} (RTT ${fmt.ms(browser.rtt.median, 2)}); with ${info.settings.latency} ms each way: ${browser.openTimesDelayed.map((o) => `${o.variant} ${fmt.ms(o.ms.median, 1)}`).join(', ')} (RTT ${fmt.ms(browser.rttDelayed.median, 1)}).`);
  }
  if (browser?.reconnect.length) {
    lines.push(`- Reconnect, server accept → open: ${browser.reconnect.map((r) => `${r.carrier} ${fmt.ms(r.acceptToOpen.median, 2)}`).join(', ')}.`);
  }
  if (storm) lines.push(`- Storm: ${storm.clients} Node clients back within ${fmt.ms(storm.reopen.max, 0)} of the server returning (median ${fmt.ms(storm.reopen.median, 0)}); at most ${storm.peak} upgrades in any ${storm.peakWindow} ms.`);
  if (browser?.memory.length) {
    const m0 = browser.memory[0]!;
    lines.push(`- JS heap, ${fmt.int(m0.cycles)} connect/close cycles vs 10: ${browser.memory.map((m) => `${m.kind} +${fmt.bytes(m.after1000 - m.after10)}`).join(', ')}; the next ${fmt.int(m0.extra)} cycles: ${browser.memory.map((m) => `${m.kind} ${((m.afterExtra - m.after1000) / m.extra).toFixed(1)} B/cycle`).join(', ')}.`);
  }
  if (gate) {
    lines.push(gate.available
      ? `- Server gate, ${fmt.int(gate.clients)} concurrent clients: ${gate.rows.map((r) => `${r.carrier.startsWith('plain') ? 'bare ws' : r.carrier} ${fmt.int(r.perSec.median)}/s`).join(', ')}.`
      : `- Server gate: ${gate.note}.`);
    const held = Math.max(...(gate.cost ?? []).map((c) => c.sockets));
    const plain = gate.cost?.find((c) => c.sockets === held && c.server === 'plain');
    const ours = gate.cost?.find((c) => c.sockets === held && c.server === 'gate');
    if (plain && ours) {
      lines.push(`- Gate cost, ${fmt.int(held)} held sockets: ${ours.heapPerSocketKiB.toFixed(2)} KiB heap per socket (bare ws ${plain.heapPerSocketKiB.toFixed(2)} KiB, ${fmt.x(ours.heapPerSocketKiB / plain.heapPerSocketKiB)}), ${fmt.int(ours.cpuPerUpgradeMicros)} µs CPU per upgrade (bare ws ${fmt.int(plain.cpuPerUpgradeMicros)} µs, ${fmt.x(ours.cpuPerUpgradeMicros / plain.cpuPerUpgradeMicros)}).`);
    }
  }
  return lines.join('\n');
}
