// Bundles src/main.ts into dist/main.js with esbuild. Run from the repo root
// after `npm run build` (inside this repo, 'authsocket' resolves to the built
// package through its own "exports"; in your app it comes from node_modules):
//   node examples/bundler/build.mjs
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
await build({
  entryPoints: [`${here}src/main.ts`],
  outfile: `${here}dist/main.js`,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
});
// The size that goes over the network: minified, then gzip (-9, as docs/bundles.md measures).
const code = readFileSync(`${here}dist/main.js`);
const size = (bytes) => `${bytes.toLocaleString('en')} B`;
console.log(`examples/bundler/dist/main.js: ${size(code.length)} minified, ${size(gzipSync(code, { level: 9 }).length)} min+gzip ` +
  "(this app with the main entry 'authsocket': every carrier and feature, and licence comments; docs/bundles.md compares the entries)");
