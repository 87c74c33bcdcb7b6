// What each optional feature costs in the CDN build: the IIFE is built again
// with that feature stubbed out, by the same rollup config and terser options
// as dist/authsocket.min.js, and the row is the difference in min+gzip bytes.
//
// A feature is a few exports of src/ modules (the ones the rest of the client
// calls into). The stub plugin hands every importer of such a module a
// replacement: `export * from '<the module>'` plus an empty
// `export function <name>() {}` for each stubbed export (an explicit export
// shadows the star), so the feature's code, and whatever only it imports
// (js-cookie for the cookie carrier), is tree-shaken away, while the rest of the
// module and every call site stay. So a row is the feature's own code, not the
// few bytes of wiring in AuthSocket.ts. No source file is edited and no stub is
// hand-written; when a module or an export named here does not exist (a
// feature not landed yet, or moved), the row says n/a with the reason.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Plugin, RollupOptions, OutputOptions } from 'rollup';
import { ROOT } from './paths.ts';

export interface FeatureStub {
  /** Module path from the project root. */
  module: string;
  /** Its runtime exports that make up the feature. */
  exports: string[];
}

export interface Feature {
  name: string;
  stubs: FeatureStub[];
  note?: string;
}

export interface FeatureRow {
  name: string;
  /** min+gzip bytes of the CDN build without the feature; undefined when n/a. */
  without?: number;
  /** Full build minus `without`. */
  marginal?: number;
  minifiedMarginal?: number;
  note?: string;
}

const carrier = (name: string, fn: string, note?: string): Feature => ({
  name: `carrier \`${name}\``,
  stubs: [{ module: `src/carriers/${name}.ts`, exports: [fn] }],
  ...(note ? { note } : {}),
});

/** The optional features, as the modules that hold them. Keep in step with src/. */
export const FEATURES: Feature[] = [
  carrier('subprotocol', 'createSubprotocolCarrier'),
  carrier('query', 'createQueryCarrier'),
  carrier('cookie', 'createCookieCarrier', 'with js-cookie'),
  carrier('message', 'createMessageCarrier'),
  carrier('header', 'createHeaderCarrier'),
  carrier('basic', 'createBasicCarrier'),
  { name: 'tabs (`shared`)', stubs: [{ module: 'src/tabs/sharedSession.ts', exports: ['shareAcrossTabs'] }], note: 'src/tabs/' },
  {
    name: 'in-band handshake (`message` carrier, `auth.ack`)',
    stubs: [{ module: 'src/core/inBandAuth.ts', exports: ['createHandshake'] }],
    note: 'the ack wait both use (src/core/inBandAuth.ts); a lite app without either does not bundle it',
  },
  { name: '`setup`', stubs: [{ module: 'src/core/setup.ts', exports: ['setupFeature'] }] },
  { name: '`closeCodes`', stubs: [{ module: 'src/core/closeCodes.ts', exports: ['closeCodesFeature'] }], note: 'the option\'s check and overrides; the built-in table stays' },
  { name: 'cookie lock', stubs: [{ module: 'src/carriers/cookieLock.ts', exports: ['cookieLock'] }] },
  { name: 'validator (`validate`)', stubs: [{ module: 'src/core/validator.ts', exports: ['validateFeature'] }] },
  { name: 'heartbeat', stubs: [{ module: 'src/core/heartbeat.ts', exports: ['heartbeatFeature'] }] },
];

const EXPORT = (name: string) => new RegExp(`export\\s+(?:async\\s+)?(?:function\\*?|class|const|let|var)\\s+${name}\\b`);

/** Why a feature cannot be measured on this checkout, or undefined when it can. */
export function missing(feature: Feature): string | undefined {
  for (const { module, exports } of feature.stubs) {
    const file = join(ROOT, module);
    if (!existsSync(file)) return `${module} does not exist`;
    const source = readFileSync(file, 'utf8');
    const absent = exports.filter((name) => !EXPORT(name).test(source));
    if (absent.length) return `${module} exports no ${absent.join(', ')}`;
  }
  return undefined;
}

const STUB = '\0authsocket-stub:';

/** Rollup plugin: importers of a stubbed module get the stub (see the header). */
export function stubPlugin(stubs: FeatureStub[], used = new Set<string>()): Plugin {
  const byFile = new Map(stubs.map((stub) => [join(ROOT, stub.module), stub]));
  return {
    name: 'authsocket-feature-stub',
    async resolveId(source, importer, options) {
      if (!importer || importer.startsWith(STUB)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && byFile.has(resolved.id) ? `${STUB}${resolved.id}` : null;
    },
    load(id) {
      if (!id.startsWith(STUB)) return null;
      const file = id.slice(STUB.length);
      used.add(file);
      const names = byFile.get(file)!.exports;
      return `export * from ${JSON.stringify(file)};\n${names.map((name) => `export function ${name}() {}`).join('\n')}\n`;
    },
  };
}

async function cdnConfig(): Promise<RollupOptions & { output: OutputOptions }> {
  const { default: configs } = (await import(pathToFileURL(join(ROOT, 'rollup.config.mjs')).href)) as { default: Array<RollupOptions & { output: OutputOptions }> };
  const iife = configs.find((config) => !Array.isArray(config.output) && config.output.format === 'iife');
  if (!iife) throw new Error('rollup.config.mjs has no IIFE build');
  return iife;
}

/** The CDN build in memory, with `stubs` stubbed out: minified and min+gzip bytes. */
export async function buildCdn(stubs: FeatureStub[] = []): Promise<{ minified: number; gzipped: number; unused: string[] }> {
  const { rollup } = await import('rollup');
  const config = await cdnConfig();
  const used = new Set<string>();
  const bundle = await rollup({
    input: config.input!,
    plugins: [stubPlugin(stubs, used), ...(config.plugins as Plugin[])],
    onwarn: () => {},
  });
  try {
    const { output } = await bundle.generate({ ...config.output, sourcemap: false });
    const code = output[0].code;
    const unused = stubs.map((stub) => stub.module).filter((module) => !used.has(join(ROOT, module)));
    return { minified: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).length, unused };
  } finally {
    await bundle.close();
  }
}

/** One row per feature: the CDN build's bytes without it, and its marginal bytes. */
export async function measureFeatures(features: Feature[] = FEATURES): Promise<{ full: { minified: number; gzipped: number }; rows: FeatureRow[] }> {
  const full = await buildCdn();
  const rows: FeatureRow[] = [];
  for (const feature of features) {
    const why = missing(feature);
    if (why) {
      rows.push({ name: feature.name, note: `n/a: ${why}` });
      continue;
    }
    const without = await buildCdn(feature.stubs);
    if (without.unused.length) {
      rows.push({ name: feature.name, note: `n/a: the CDN build does not import ${without.unused.join(', ')}` });
      continue;
    }
    rows.push({
      name: feature.name,
      without: without.gzipped,
      marginal: full.gzipped - without.gzipped,
      minifiedMarginal: full.minified - without.minified,
      ...(feature.note ? { note: feature.note } : {}),
    });
  }
  // Everything optional at once but one carrier: what is left is the core every build carries.
  const together = features.filter((feature) => feature.name !== 'carrier `subprotocol`' && !missing(feature));
  const core = await buildCdn(together.flatMap((feature) => feature.stubs));
  rows.push({
    name: 'all of the above at once, but `subprotocol`',
    without: core.gzipped,
    marginal: full.gzipped - core.gzipped,
    minifiedMarginal: full.minified - core.minified,
    note: 'what is left (the without column) is the core: connection, reconnect, re-authentication, queue, redaction, one carrier',
  });
  return { full, rows };
}
