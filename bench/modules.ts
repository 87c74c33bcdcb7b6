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
].join('\n'));
console.log(`lite app: ${lite.minified} B min, ${lite.gzipped} B min+gz; every feature: ${cdn.minified} B min, ${cdn.gzipped} B min+gz`);
