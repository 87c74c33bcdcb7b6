// Bundles src/main.ts into dist/main.js with esbuild. Run from the repo root
// after `npm run build` (inside this repo, 'authsocket' resolves to the built
// package through its own "exports"; in your app it comes from node_modules):
//   node examples/bundler/build.mjs
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const result = await build({
  entryPoints: [`${here}src/main.ts`],
  outfile: `${here}dist/main.js`,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes;
console.log(`examples/bundler/dist/main.js: ${bytes} bytes (minified, before gzip)`);
