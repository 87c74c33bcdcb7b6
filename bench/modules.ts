// Bytes per module: the client bundled from src/ with esbuild (--bundle
// --minify, ESM, browser), the runtime dependencies as published, and each
// input's share of the minified output (esbuild's metafile `bytesInOutput`).
// Two bundles: the one-carrier app on `authsocket/lite` (subprotocol, no
// optional feature) and the CDN build's entry (every feature). Writes
// bench/MODULES.md. Run: node --import tsx bench/modules.ts
import { writeFileSync } from 'node:fs';
import { bundleApp } from '../scripts/size-budget.mjs';

const root = new URL('..', import.meta.url).pathname;

interface Row {
  module: string;
  minified: number;
}

async function measure(contents: string): Promise<{ rows: Row[]; minified: number; gzipped: number }> {
  // Bundled as the size budget bundles an app, from source here.
  const { metafile, minified, gzipped } = await bundleApp(undefined, { entryPoints: undefined, stdin: { contents, resolveDir: root, loader: 'ts' } });
  const output = Object.values(metafile.outputs)[0]!;
  const rows = Object.entries(output.inputs)
    .map(([module, { bytesInOutput }]) => ({ module: module.replace(/^node_modules\/([^/]+)\/.*$/, '$1 (as published)'), minified: bytesInOutput }))
    .filter((row) => row.minified > 0)
    .sort((a, b) => b.minified - a.minified);
  return { rows, minified, gzipped };
}

const table = (title: string, { rows, minified, gzipped }: Awaited<ReturnType<typeof measure>>) => [
  `## ${title}`,
  '',
  `Total: ${minified.toLocaleString('en')} B minified, ${gzipped.toLocaleString('en')} B min+gzip -9.`,
  '',
  '| module | B minified | share |',
  '|---|---:|---:|',
  ...rows.map((row) => `| ${row.module} | ${row.minified.toLocaleString('en')} | ${((100 * row.minified) / minified).toFixed(1)} % |`),
  '',
].join('\n');

const lite = await measure(
  "import { AuthSocket, subprotocol } from './src/lite.ts';\n" +
  "export const socket = new AuthSocket('wss://api.example.com/live', { auth: { via: subprotocol, token: () => 't' } });",
);
const cdn = await measure("export { default } from './src/global.ts';");

// Where the rest of the way to the targets (8,000 B lite app, 12,000 B CDN) would have to come from,
// measured 2026-12 on the rebuilt core (production builds). Kept by hand: re-measure when it moves.
const LEVERS = [
  '## What is left, and what each lever would cost',
  '',
  'Measured at the client-core rebuild (issue 21), production builds: the one-carrier lite app',
  'is 12,126 B min+gzip (`npm run size`), the CDN file 15,366 B; the targets are 8,000 and 12,000.',
  'Of the app, reconnecting-websocket as published is about 3.2 KB gzipped (9.2 KB minified) and',
  'stays: the contract names it, used as published. So the client\'s own code would have to fit',
  'in about 4.8 KB gzipped, from about 8.9 KB (about 26 KB minified) now.',
  '',
  '| lever | saves (min+gzip, app) | what it would cost |',
  '|---|---:|---|',
  '| production error texts (done) | 580 | development texts only in development builds (`process.env.NODE_ENV`) |',
  '| the never-opened hint text (done, in production) | 260 | production says the count and 4401/4403 only |',
  '| `debug` lines left out of production builds | 134 (measured) | `debug: true` says nothing useful in production; not done |',
  '| mangled internal property names in the ESM build (as the CDN build does) | ~400 (estimated: names of the client, attempt and session members) | a minifier step on dist/ with a hand-kept name list (the CDN build has one); app bundlers leave property names alone |',
  '| redaction (src/utils/redact.ts, 1.2 KB minified) | ~450 (estimated) | none acceptable: no credential may reach an error, event or debug line |',
  '| page signals (src/core/browserSignals.ts: bfcache, online/offline) | ~230 (estimated) | cookie left behind on navigation, no reconnect on `online`, sockets kept through bfcache |',
  '| make-before-break and proactive refresh | ~900 (estimated: candidate attempts, retire, refresh timers) | a contract feature (refresh before expiry); as an optional feature in lite it would be a fourth entry in src/features.ts |',
  '| option checks (src/core/options.ts, requestSize.ts) | ~550 (estimated) | bad options fail later and less clearly; a contract requirement (INVALID_OPTIONS) |',
  '',
  'Estimates are the module\'s minified bytes times the app\'s gzip ratio (0.35). The CDN file has',
  'every feature and tab sharing besides (bench/RESULTS.md, what each optional feature costs);',
  'a `resume` feature adds to it.',
  '',
].join('\n');

writeFileSync(new URL('MODULES.md', import.meta.url), [
  '# Bytes per module',
  '',
  'Written by `node --import tsx bench/modules.ts`: each bundle built from src/ with esbuild',
  '(`--bundle --minify`, ESM, browser; the runtime dependencies as published), and each module\'s',
  'share of the minified output. Gzip compresses the whole file, so only the totals have a',
  'min+gzip size. The CDN build itself (Rollup + terser, IIFE) is measured by `npm run size`.',
  '',
  table('One-carrier app on `authsocket/lite` (subprotocol, no optional feature)', lite),
  table('Every feature (the CDN entry, src/global.ts)', cdn),
  LEVERS,
].join('\n'));
console.log(`lite app: ${lite.minified} B min, ${lite.gzipped} B min+gz; every feature: ${cdn.minified} B min, ${cdn.gzipped} B min+gz`);
