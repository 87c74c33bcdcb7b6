// Bundles src/main.jsx into dist/main.js with esbuild ('authsocket/react' resolves
// through the package's "exports", to dist/, as it would from node_modules).
import { build } from 'esbuild';

export async function buildExample() {
  await build({
    entryPoints: [new URL('./src/main.jsx', import.meta.url).pathname],
    outfile: new URL('./dist/main.js', import.meta.url).pathname,
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
}
