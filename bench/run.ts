// `npm run bench`: builds, measures, prints the table and writes
// bench/RESULTS.md (and the "last run" section of bench/README.md) from this
// run's figures. Flags: --quick (small counts, for trying the harness),
// --only=sizes,throughput,open,reconnect,memory,storm,gate,resume,resume-gate, --no-build,
// --merge (with --only=sizes, storm and/or gate: the measured sections replace
// theirs in bench/results.json and RESULTS.md is rendered again; its header
// says which sections were re-measured when).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, platform, arch, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.ts';
import { measureFeatureSizes, measureSizes } from './sizes.ts';
import { runBrowser, type BrowserSettings } from './browser.ts';
import { runStorm } from './storm.ts';
import { runGate } from './gate.ts';
import { runResume } from './resume.ts';
import { runResumeOpen } from './resume-open.ts';
import { log, measureOr, type Unmeasured } from './lib.ts';
import { renderResults, renderSummary, type Results, type RunInfo } from './report.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const only = (section: string) => !onlyArg || onlyArg.includes(section);

const browserSettings: BrowserSettings = quick
  ? { messages: 5_000, throughputRuns: 2, opens: 10, reconnectTrials: 2, downtime: 300, cycles: 100, extraCycles: 50, latency: 10 }
  : { messages: 50_000, throughputRuns: 5, opens: 50, reconnectTrials: 8, downtime: 300, cycles: 1_000, extraCycles: 500, latency: 10 };
const storm = quick ? { clients: 50, downtime: 1_000 } : { clients: 200, downtime: 1_000 };
const gate = quick ? { clients: 200, runs: 2 } : { clients: 1_000, runs: 5 };
const resumeGate = quick ? { messages: 5_000, runs: 2 } : { messages: 50_000, runs: 9 };

// --render: rewrite RESULTS.md and the README section from bench/results.json
// (the last full run's figures) without measuring, after a change to report.ts.
if (args.includes('--render')) {
  const saved = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8'));
  writeResults(saved);
  process.exit(0);
}

const mergeable = ['sizes', 'storm', 'gate', 'throughput', 'open', 'reconnect', 'memory', 'resume', 'resume-gate'];
if (args.includes('--merge') && (!onlyArg || quick || onlyArg.some((s) => !mergeable.includes(s)))) {
  console.error(`bench: --merge needs --only= with sections among ${mergeable.join(', ')} and no --quick`);
  process.exit(1);
}

const started = Date.now();
const git = (...a: string[]) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();

if (!args.includes('--no-build')) {
  log('building dist/ (npm run build)');
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) {
    console.error('bench: npm run build failed; nothing measured');
    process.exit(1);
  }
}

const info: RunInfo = {
  date: new Date().toISOString(),
  commit: git('rev-parse', '--short', 'HEAD'),
  dirty: git('status', '--porcelain', '--', 'src', 'rollup.config.mjs', 'package.json') !== '',
  cpu: `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`,
  memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
  os: `${platform()} ${release()} ${arch()}`,
  node: process.version,
  chromium: '',
  quick,
  settings: { ...browserSettings, stormClients: storm.clients, stormDowntime: storm.downtime, gateClients: gate.clients, gateRuns: gate.runs },
  seconds: 0,
  load: loadavg()[0]!,
};

// A section that fails is named in RESULTS.md ("not measured: why") and the run goes on.
const unmeasured: Unmeasured[] = [];
const sizes = only('sizes') ? (log('sizes: esbuild --bundle --minify, gzip -9'), (await measureOr('sizes', unmeasured, measureSizes)) ?? []) : [];
const features = only('sizes') ? (log('sizes: the CDN build without each optional feature (rollup + terser, ~10 s each)'), await measureOr('feature sizes', unmeasured, measureFeatureSizes)) : undefined;
const browserSections = ['throughput', 'open', 'reconnect', 'memory'].filter(only);
const browser = browserSections.length ? await measureOr(`browser (${browserSections.join(', ')})`, unmeasured, () => runBrowser(browserSettings, only)) : undefined;
info.chromium = browser?.chromium ?? '';
const stormResults = only('storm') ? await measureOr('storm', unmeasured, () => runStorm(storm.clients, storm.downtime)) : undefined;
const gateResults = only('gate') ? await measureOr('gate', unmeasured, () => runGate(gate.clients, gate.runs)) : undefined;
const resumeResults = only('resume') ? await measureOr('resume', unmeasured, () => runResumeOpen(quick ? 5 : 30)) : undefined;
const resumeGateResults = only('resume-gate') ? await measureOr('resume-gate', unmeasured, () => runResume(resumeGate.messages, resumeGate.runs)) : undefined;
info.seconds = (Date.now() - started) / 1000;

const results = { info, sizes, features, browser, storm: stormResults, gate: gateResults, resume: resumeResults, resumeGate: resumeGateResults, unmeasured };
if (onlyArg && args.includes('--merge') && !quick) {
  // --only=…,--merge: this run's sections replace theirs in bench/results.json;
  // the rest stays from the last full run, and the header says what was re-measured when.
  const saved = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) as Results;
  const merged: Results = {
    ...saved,
    info: { ...saved.info, merged: [...(saved.info.merged ?? []).filter((m) => !m.sections.every((s) => onlyArg.includes(s))), { sections: onlyArg, date: info.date, commit: info.commit, dirty: info.dirty }] },
    // A re-measured section's old failure no longer holds; this run's failures are added.
    unmeasured: [...(saved.unmeasured ?? []).filter((u) => !onlyArg.includes(u.section === 'feature sizes' ? 'sizes' : u.section)), ...unmeasured],
  };
  if (only('sizes')) Object.assign(merged, { sizes, features });
  if (only('storm')) merged.storm = stormResults;
  if (only('gate')) merged.gate = gateResults;
  if (only('resume')) merged.resume = resumeResults;
  if (only('resume-gate')) merged.resumeGate = resumeGateResults;
  if (browser && saved.browser) {
    const fresh = (section: string) => onlyArg.includes(section);
    merged.browser = {
      ...saved.browser,
      chromium: browser.chromium,
      ...(fresh('throughput') ? { throughput: browser.throughput } : {}),
      ...(fresh('open') ? { rtt: browser.rtt, openTimes: browser.openTimes, rttDelayed: browser.rttDelayed, openTimesDelayed: browser.openTimesDelayed } : {}),
      ...(fresh('reconnect') ? { reconnect: browser.reconnect, clockError: browser.clockError } : {}),
      ...(fresh('memory') ? { memory: browser.memory } : {}),
      ...(browser.engines ? { engines: browser.engines } : {}),
    };
  } else if (browser) merged.browser = browser;
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(merged, null, 2)}\n`);
  writeResults(merged);
} else if (quick || onlyArg) {
  console.log(renderResults(results));
  log('--quick/--only run: bench/RESULTS.md and bench/README.md left as they were');
} else {
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeResults(results);
}

function writeResults(results: Results): void {
  const markdown = renderResults(results);
  console.log(markdown);
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), markdown);
  const readmePath = join(ROOT, 'bench', 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = '<!-- last-run:start -->';
  const end = '<!-- last-run:end -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from >= 0 && to > from) {
    writeFileSync(readmePath, `${readme.slice(0, from + start.length)}\n${renderSummary(results)}\n${readme.slice(to)}`);
  }
  log(`wrote bench/RESULTS.md and the last-run section of bench/README.md (run of ${results.info.date}, ${results.info.seconds.toFixed(0)} s)`);
}
