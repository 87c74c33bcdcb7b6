// Size: min+gzip (gzip -9, node:zlib level 9) of authsocket's CDN build, of
// the one-carrier app of the CI budget (bench/fixtures/one-carrier-app.js), of
// an app that imports only `AuthSocket` from the ESM entry, and of each peer
// bundled the same way (a one-line entry, esbuild --bundle --minify); then
// each optional feature's bytes in the CDN build (bench/featureCost.ts).
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { APP_BUDGET, BUDGET, bundleApp } from '../scripts/size-budget.mjs';
import { measureFeatures, type FeatureRow } from './featureCost.ts';
import { withoutMessages } from './messageFloor.ts';
import { BUILD_DIR, ROOT } from './paths.ts';

export interface SizeRow {
  name: string;
  entry: string;
  features: string;
  minified: number;
  gzipped: number;
}

const dist = (file: string) => JSON.stringify(join(ROOT, 'dist', file));

/** One-line entries: what an app would write to get each client. */
export const ENTRIES: Array<{ name: string; entry: string; features: string }> = [
  { name: 'authsocket (app importing AuthSocket)', entry: `export { AuthSocket } from ${dist('index.js')};`, features: 'auth carriers, reconnect, heartbeat, queue' },
  { name: 'reconnecting-websocket', entry: `export { default } from 'reconnecting-websocket';`, features: 'reconnect, queue' },
  { name: 'partysocket/ws', entry: `export { default } from 'partysocket/ws';`, features: 'reconnect, queue' },
  { name: 'graphql-ws createClient', entry: `export { createClient } from 'graphql-ws';`, features: 'reconnect, first-message auth, ping' },
  { name: 'phoenix Socket', entry: `export { Socket } from 'phoenix';`, features: 'reconnect, heartbeat, channels' },
  { name: 'socket.io-client io', entry: `export { io } from 'socket.io-client';`, features: 'reconnect, heartbeat, fallback transport' },
  { name: 'centrifuge Centrifuge', entry: `export { Centrifuge } from 'centrifuge';`, features: 'reconnect, heartbeat, token refresh, pub/sub' },
];

const gzip = (code: Uint8Array) => gzipSync(code, { level: 9 }).length;

export async function bundleMinified(entry: string, name: string): Promise<Uint8Array> {
  const result = await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'js', sourcefile: `${name}.entry.js` },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  return result.outputFiles[0]!.contents;
}

export interface FeatureSizes {
  /** The CDN build as bench/featureCost.ts builds it (same config, in memory). */
  full: { minified: number; gzipped: number };
  rows: FeatureRow[];
  budgets: { cdn: number; app: number };
}

/** Each optional feature's marginal bytes in the CDN build. */
export async function measureFeatureSizes(): Promise<FeatureSizes> {
  return { ...(await measureFeatures()), budgets: { cdn: BUDGET, app: APP_BUDGET } };
}

export async function measureSizes(): Promise<SizeRow[]> {
  const iife = readFileSync(join(ROOT, 'dist', 'authsocket.min.js'));
  const rows: SizeRow[] = [{
    name: 'authsocket CDN build (dist/authsocket.min.js)',
    entry: 'the IIFE from `npm run build`, every dependency inlined',
    features: 'every carrier, reconnect, re-authentication, heartbeat, queue, tabs, setup, ack, closeCodes',
    minified: iife.length,
    gzipped: gzip(iife),
  }];
  mkdirSync(join(BUILD_DIR, 'sizes'), { recursive: true });
  const app = await bundleApp();
  writeFileSync(join(BUILD_DIR, 'sizes', 'one-carrier-app.min.js'), app.code);
  rows.push({
    name: 'authsocket one-carrier app (bench/fixtures/one-carrier-app.js)',
    entry: "imports 'authsocket/lite', uses `via: subprotocol`",
    features: 'what an app using one carrier ships',
    minified: app.minified,
    gzipped: app.gzipped,
  });
  // Floors, not builds: the same two with no message text at all (bench/messageFloor.ts).
  for (const [name, code] of [['CDN build', iife.toString('utf8')], ['one-carrier app', Buffer.from(app.code).toString('utf8')]] as const) {
    const floor = withoutMessages(code);
    rows.push({
      name: `floor: authsocket ${name} with no message text`,
      entry: 'the row above it with every string over 12 characters cut to one (not shippable)',
      features: 'same code; errors, debug lines and hints say nothing',
      minified: floor.length,
      gzipped: gzip(Buffer.from(floor)),
    });
  }
  for (const { name, entry, features } of ENTRIES) {
    const code = await bundleMinified(entry, name);
    writeFileSync(join(BUILD_DIR, 'sizes', `${name.replace(/[^a-z0-9]+/gi, '-')}.min.js`), code);
    rows.push({ name, entry, features, minified: code.length, gzipped: gzip(code) });
  }
  return rows;
}
