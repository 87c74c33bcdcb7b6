// Builds the browser client (ESM, CJS, minified IIFE), the Node-only server
// companion (ESM, CJS) and one bundled .d.ts per entry and module format.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';
import { licenseBanner, licenses } from './scripts/rollup/licenses.mjs';
import { terserOptions } from './scripts/rollup/minify.mjs';
import { rwsSource } from './scripts/rollup/rwsSource.mjs';

const root = new URL('.', import.meta.url).pathname;

const transpile = () => esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' });
// Runtime dependencies stay imports in ESM/CJS so that bundlers can dedupe them.
const external = (id) => /^(reconnecting-websocket|js-cookie|ws)$/.test(id) || id.startsWith('node:');

export default [
  {
    input: 'src/index.ts',
    external,
    plugins: [transpile()],
    output: [
      { file: 'dist/index.js', format: 'es', sourcemap: true },
      { file: 'dist/index.cjs', format: 'cjs', exports: 'named', sourcemap: true },
    ],
  },
  {
    // The global `AuthSocket` is the class itself, so this entry default-exports it.
    input: 'src/global.ts',
    // Licence texts go to dist/authsocket.min.js.LICENSE.txt; the file keeps a one-line banner.
    plugins: [rwsSource(), nodeResolve({ browser: true }), transpile(), licenses({ root })],
    output: {
      file: 'dist/authsocket.min.js',
      format: 'iife',
      name: 'AuthSocket',
      exports: 'default',
      sourcemap: true,
      banner: licenseBanner(root, 'dist/authsocket.min.js'),
      plugins: [terser(terserOptions)],
    },
  },
  {
    input: 'src/server/index.ts',
    external,
    plugins: [transpile()],
    output: [
      { file: 'dist/server.js', format: 'es', sourcemap: true },
      { file: 'dist/server.cjs', format: 'cjs', exports: 'named', sourcemap: true },
    ],
  },
  ...['index', 'server'].map((name) => ({
    input: name === 'index' ? 'src/index.ts' : 'src/server/index.ts',
    external,
    plugins: [dts()],
    output: [
      { file: `dist/${name}.d.ts`, format: 'es' },
      { file: `dist/${name}.d.cts`, format: 'es' },
    ],
  })),
];
