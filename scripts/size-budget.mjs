#!/usr/bin/env node
// Size budgets, both min+gzip at gzip -9. Run after `npm run build`.
//  1. the CDN build: dist/authsocket.min.js, the IIFE with every dependency
//     and every feature inlined;
//  2. an app bundling only one carrier: bench/fixtures/one-carrier-app.js
//     (imports `authsocket/lite` by name, uses `via: subprotocol`) bundled the way
//     an app's bundler does it — esbuild --bundle --minify --format=esm
//     --platform=browser, `authsocket/lite` resolved to this package (package.json
//     `exports`: dist/lite.js, `sideEffects: false`; reconnecting-websocket is inside
//     dist/), js-cookie from node_modules, legal comments dropped (as for every bundle the bench
//     compares).
// Exit 0 and one line per budget when within both; exit 1 and one line per
// failing budget otherwise (over it, or its input missing: run the build).
// Flags: `--budget=N` and `--file=PATH` (the CDN check), `--app-budget=N` and
// `--app=PATH` (the app check), `--only=cdn` or `--only=app`; the unit test
// uses them to prove each check can fail.
//
// CDN budget: a measured size rounded up to the next 500 B: 12,007 B when the
// check was added (12,500); 12,485 B after three correctness fixes (binary
// frames as ArrayBuffer, frames resent after a refused connection,
// make-before-break on confirmation), so 13,000. Issue 15, phase 1 (terser
// options, reconnecting-websocket from its TS source, licences out of the
// file): 11,236 B, so 11,250 (rounded to 250 B).
// App budget: added in issue 15, phase 1, at the measured 12,152 B (every
// carrier still reaches the app through src/carriers/index.ts), so 12,250.
// Issue 15, phase 2, with every feature of the round merged: 16,020 / 16,858 B
// (interim 16,250 / 17,000); short messages ending in their docs/errors.md
// anchor: 15,078 / 15,975 B, so 15,250 / 16,000.
// Dead/duplicate code out, and the app on `authsocket/lite` (carriers as
// values, no tabs, js-cookie in its own chunk): 15,124 / 13,058 B, so 15,250 / 13,250.
// reconnecting-websocket compiled from its TS source inside dist/ (private members renamed,
// debug lines stripped, also in the CDN build): 14,895 / 11,980 B, so app 12,000 (CDN kept).
// The retry policy out of AuthSocket.ts into its own module (thinner class, a
// decision object with unmangled field names: about +120 B in the app), and the
// CDN build mangling the client's internal property names
// (scripts/rollup/minify.mjs INTERNAL_PROPERTIES): 14,840 / 12,124 B, so
// 15,000 / 12,250 (the app's only raise, for that refactor).
// authsocket/lite's optional features as wrapped values (heartbeat(), validate(),
// setup(), closeCodes()): the app bundles none of them, 11,445 B; the CDN build,
// which plugs all four in through the same seam, 15,042 B (+202 B for the
// indirection). So 15,250 (raised back, for that reviewed feature) / 11,500.
// Tabs as a closure with numeric message kinds (tabs 1,420 → 1,101 B), more
// internal names mangled, and the in-band handshake carried by its handshake
// object (an app without the message carrier or ack does not bundle it):
// 14,772 / 11,067 B, so 15,000 / 11,250.
// reconnecting-websocket without the class members transport.ts never reaches
// (scripts/rollup/rwsSource.mjs), js-cookie without get/read/withAttributes/
// withConverter in the CDN build (scripts/rollup/jsCookieSource.mjs), the
// client's internal property names short in dist/ too
// (scripts/rollup/mangleInternals.mjs), and smaller modules (redaction, option
// checks, features as closures): 13,809 / 10,239 B, so 14,000 / 10,250.
// Issue 15's targets: 11,000 (CDN) and 8,000 (app). Not reachable with this
// feature set: bench/RESULTS.md's floor rows (no message text at all) are
// 12,073 / 8,933 B, and the core alone (every optional feature stubbed) 10,281 B.
// Lower budgets as size work lands; raise one only for a reviewed feature or
// fix, saying so here.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUDGET = 14_000; // bytes, CDN build, min+gzip -9 (see the history above)
export const APP_BUDGET = 10_250; // bytes, one-carrier app, min+gzip -9
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FILE = fileURLToPath(new URL('../dist/authsocket.min.js', import.meta.url));
export const APP = fileURLToPath(new URL('../bench/fixtures/one-carrier-app.js', import.meta.url));

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** min+gzip (level 9) size of the IIFE in bytes. */
export function gzippedSize(file = FILE) {
  return gzip(readFileSync(file));
}

/**
 * An app entry bundled as an app's bundler would (see the header); `authsocket`
 * resolves to this package's built ESM entry. `esbuildOptions` are merged in
 * (the bench passes plugins that stub a feature out).
 * @returns {Promise<{ code: Uint8Array, minified: number, gzipped: number, inputs: string[] }>}
 */
export async function bundleApp(entry = APP, esbuildOptions = {}) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    // `authsocket` and `authsocket/lite` resolve through this package's own
    // package.json `exports` (a self-reference), as in an app's node_modules.
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    metafile: true,
    ...esbuildOptions,
  });
  const code = result.outputFiles[0].contents;
  return { code, minified: code.length, gzipped: gzip(code), inputs: Object.keys(result.metafile.inputs) };
}

/** min+gzip (level 9) size of the one-carrier app in bytes. */
export async function appGzippedSize(entry = APP) {
  return (await bundleApp(entry)).gzipped;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = arg('only');
  const checks = [
    {
      name: 'cdn',
      file: arg('file') ?? FILE,
      budget: Number(arg('budget') ?? BUDGET),
      what: '',
      measure: async (file) => gzippedSize(file),
    },
    {
      name: 'app',
      file: arg('app') ?? APP,
      budget: Number(arg('app-budget') ?? APP_BUDGET),
      what: ' (one-carrier app bundled with esbuild)',
      measure: appGzippedSize,
    },
  ].filter((check) => !only || check.name === only);
  let failed = false;
  for (const { file, budget, what, measure } of checks) {
    const name = relative(process.cwd(), file) || file;
    let size;
    try {
      size = await measure(file);
    } catch (error) {
      const reason = error.code ?? error.errors?.[0]?.text ?? error.message;
      console.error(`size-budget: FAIL: cannot read ${name}${what} (${reason}); run \`npm run build\` first`);
      failed = true;
      continue;
    }
    const line = `${name}${what}: ${size} B min+gzip -9, budget ${budget} B`;
    if (!(size <= budget)) {
      console.error(`size-budget: FAIL: over budget by ${size - budget} B: ${line}`);
      failed = true;
    } else {
      console.log(`size-budget: ok, ${line} (${budget - size} B to spare)`);
    }
  }
  if (!checks.length) {
    console.error(`size-budget: FAIL: --only=${only}: expected cdn or app`);
    failed = true;
  }
  process.exit(failed ? 1 : 0);
}
