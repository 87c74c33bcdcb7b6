// Rollup plugin: bundle reconnecting-websocket (RWS) from the TypeScript source
// its package ships (reconnecting-websocket.ts, events.ts) instead of its ES5
// dist file. The dist file carries tslib's helpers (__extends, __values,
// __read, __spread) and tslib's Apache-2.0 header; compiled to ES2022 by
// esbuild the same class needs neither. Used by every browser build: the CDN
// IIFE, and the ESM/CJS builds, where RWS lands in a chunk of its own (no
// `import 'reconnecting-websocket'` is left in dist/).
//
// - RWS's `this._debug(...)` lines go: they log only with RWS's own `debug`
//   option, which transport.ts never passes (and users cannot reach RWS's options).
// - `mangleProps: true` (the ESM/CJS builds) renames RWS's `_camelCase` private
//   members to short names with esbuild, which leaves every other name and the
//   layout alone: the dist stays readable, and an app's minifier (which never
//   renames properties) gets short names anyway. The CDN build leaves this to
//   terser (scripts/rollup/minify.mjs), which renames them across the bundle.
//   Safe: only transport.ts imports RWS, and it uses RWS's public API only.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { transform } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const require = createRequire(import.meta.url);

/** RWS's private members: `_camelCase` (TS `private`), never `__proto__`. */
export const RWS_PRIVATE = /^_[a-z]/i;

/**
 * Drops RWS's debug logging: every `this._debug(…);` line and the `_debug`
 * method. Throws when the source no longer has exactly that shape (an RWS
 * upgrade), so that nothing is half-removed.
 */
export function stripDebug(source, file = 'reconnecting-websocket.ts') {
  const method = /\n {4}private _debug\(\.\.\.args: any\[\]\) \{\n[\s\S]*?\n {4}\}\n/g;
  const call = /^[ \t]*this\._debug\(.*\);[ \t]*\n/gm;
  const calls = source.match(call)?.length ?? 0;
  const methods = source.match(method)?.length ?? 0;
  const stripped = source.replace(method, '\n').replace(call, '');
  if (methods !== 1 || calls === 0 || stripped.includes('_debug')) {
    throw new Error(`rwsSource: ${file} no longer has one _debug method and one-line this._debug(…) calls; update stripDebug()`);
  }
  return stripped;
}

/** @param {{ mangleProps?: boolean }} [options] */
export function rwsSource({ mangleProps = false } = {}) {
  const dir = dirname(require.resolve('reconnecting-websocket/package.json'));
  const source = join(dir, 'reconnecting-websocket.ts');
  // A version that ships no source falls back to its dist file (tslib and all).
  if (!existsSync(source)) return { name: 'authsocket-rws-source' };
  const inDir = (id) => id.startsWith(`${dir}/`) && id.endsWith('.ts');
  return {
    name: 'authsocket-rws-source',
    resolveId(id, importer) {
      if (id === 'reconnecting-websocket') return source;
      if (importer && inDir(importer) && id.startsWith('./')) return join(dir, `${id.slice(2)}.ts`);
      return null;
    },
    async load(id) {
      if (!inDir(id)) return null;
      let text = await readFile(id, 'utf8');
      if (id === source) text = stripDebug(text, id);
      // Each file is mangled on its own: safe while only the class file has `_` names.
      if (id !== source && mangleProps && /\b_[a-z]/i.test(text)) throw new Error(`rwsSource: ${id} has a _name now; mangle both files with one esbuild mangleCache`);
      const { code, map } = await transform(text, {
        loader: 'ts', target: 'es2022', format: 'esm', sourcefile: id, sourcemap: true,
        ...(mangleProps ? { mangleProps: RWS_PRIVATE } : {}),
      });
      return { code, map };
    },
  };
}
