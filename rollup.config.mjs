// Builds the browser client (ESM, CJS, minified IIFE), the Node-only server
// companion (ESM, CJS) and one bundled .d.ts per entry and module format.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';

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
    plugins: [nodeResolve({ browser: true }), transpile()],
    output: {
      file: 'dist/authsocket.min.js',
      format: 'iife',
      name: 'AuthSocket',
      exports: 'default',
      sourcemap: true,
      plugins: [terser({ ecma: 2020, module: false, compress: { passes: 2 } })],
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
