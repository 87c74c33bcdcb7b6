// Rollup plugin for the CDN build: bundle reconnecting-websocket from the
// TypeScript source its package ships (reconnecting-websocket.ts, events.ts)
// instead of its ES5 dist file. The dist file carries tslib's helpers
// (__extends, __values, __read, __spread) and tslib's Apache-2.0 header;
// compiled to ES2022 by esbuild the same class needs neither. The ESM/CJS
// builds keep `reconnecting-websocket` as an import: an app's bundler resolves
// it as usual.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { transform } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const require = createRequire(import.meta.url);

export function rwsSource() {
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
      const { code, map } = await transform(await readFile(id, 'utf8'), {
        loader: 'ts', target: 'es2022', format: 'esm', sourcefile: id, sourcemap: true,
      });
      return { code, map };
    },
  };
}
