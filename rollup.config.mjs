// Builds the browser client (ESM, CJS, minified IIFE), the Node-only server
// companion (ESM, CJS) and one bundled .d.ts per entry and module format.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';
import { licenseBanner, licenses } from './scripts/rollup/licenses.mjs';
import { terserOptions } from './scripts/rollup/minify.mjs';

const root = new URL('.', import.meta.url).pathname;

const transpile = () => esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' });
// The CDN files are for pages without a bundler: `process.env.NODE_ENV` is settled here.
const cdnTranspile = (mode) => esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', define: { 'process.env.NODE_ENV': JSON.stringify(mode) } });
// ESM/CJS import the runtime dependencies (and ws, server side) by name, as
// published: an app's bundler resolves and dedupes them.
// The cookie carrier goes in a chunk of its own: js-cookie runs code at import (a
// bundler cannot drop it), so only an app that imports the carrier imports js-cookie.
// The rest of the client goes to the core chunk, shared by both entries, except
// what only the main entry uses (carriers by name, tabs): that stays in index.js.
const manualChunks = (id) =>
  /\/src\/carriers\/cookie(Lock)?\.ts$/.test(id) ? 'cookie'
    : /\/src\/(?!index\.ts$|lite\.ts$|full\.ts$|carriers\/index\.ts$|tabs\/|server\/)/.test(id) ? 'core' : undefined;
const external = (id) => /^(reconnecting-websocket|js-cookie|ws)$/.test(id) || id.startsWith('node:');

// Chunk names carry a content hash: without this, dist/chunks keeps every old
// chunk (and `npm pack` from a work tree would ship them).
const cleanChunks = () => ({
  name: 'authsocket-clean-chunks',
  buildStart: () => rmSync(join(root, 'dist', 'chunks'), { recursive: true, force: true }),
});

export default [
  {
    // The main entry and `authsocket/lite` share the core through one chunk, so
    // an app importing both still has one AuthSocketError class.
    input: { index: 'src/index.ts', lite: 'src/lite.ts' },
    external,
    plugins: [cleanChunks(), transpile()],
    output: [
      { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', manualChunks, hoistTransitiveImports: false },
      { dir: 'dist', format: 'cjs', exports: 'named', sourcemap: true, entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', manualChunks, hoistTransitiveImports: false },
    ],
  },
  // The CDN builds. The global `AuthSocket` is the class itself, so this entry
  // default-exports it. Licence texts go to <file>.LICENSE.txt; each file keeps
  // a one-line banner. Both runtime dependencies are inlined here, as published.
  // authsocket.min.js is the production build (errors keep their code, numbers
  // and docs link); authsocket.js, unminified, the development build (errors
  // also say what to do).
  ...[['dist/authsocket.min.js', 'production'], ['dist/authsocket.js', 'development']].map(([file, mode]) => ({
    input: 'src/global.ts',
    plugins: [nodeResolve({ browser: true }), cdnTranspile(mode), licenses({ root })],
    output: {
      file,
      format: 'iife',
      name: 'AuthSocket',
      exports: 'default',
      sourcemap: true,
      banner: licenseBanner(root, file),
      plugins: mode === 'production' ? [terser(terserOptions)] : [],
    },
  })),
  {
    input: 'src/server/index.ts',
    external,
    plugins: [transpile()],
    output: [
      { file: 'dist/server.js', format: 'es', sourcemap: true },
      { file: 'dist/server.cjs', format: 'cjs', exports: 'named', sourcemap: true },
    ],
  },
  ...['index', 'lite', 'server'].map((name) => ({
    input: name === 'server' ? 'src/server/index.ts' : `src/${name}.ts`,
    external,
    plugins: [dts()],
    output: [
      { file: `dist/${name}.d.ts`, format: 'es' },
      { file: `dist/${name}.d.cts`, format: 'es' },
    ],
  })),
  ...reactEntry(),
];

// authsocket/react (self-contained): React stays external, and so does the
// client: src/index.ts becomes an import of the main entry's own file, so an app
// that imports both `authsocket` and `authsocket/react` has one client and one
// AuthSocketError class. (A function: hoisted, so the list above can spread it.)
function reactEntry() {
  const main = new URL('./src/index.ts', import.meta.url).pathname;
  const external = (id, importer) =>
    /^react(-dom)?(\/|$)/.test(id) || id === main || (importer !== undefined && id.startsWith('.') && join(importer, '..', id) === main);
  const paths = (file) => ({ [main]: file });
  return [
    {
      input: 'src/react/index.ts',
      external,
      plugins: [esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' })],
      output: [
        { file: 'dist/react.js', format: 'es', sourcemap: true, paths: paths('./index.js') },
        { file: 'dist/react.cjs', format: 'cjs', exports: 'named', sourcemap: true, paths: paths('./index.cjs') },
      ],
    },
    ...[['dist/react.d.ts', './index.js'], ['dist/react.d.cts', './index.cjs']].map(([file, entry]) => ({
      input: 'src/react/index.ts',
      external,
      plugins: [dts()],
      output: { file, format: 'es', paths: paths(entry) },
    })),
  ];
}
