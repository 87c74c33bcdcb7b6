// `npm start`: builds the package (only when dist/ is missing or older than its
// sources), builds the bundler example, starts the demo server on localhost and
// prints the URL to open. PORT=0 picks a free port; DEMO_SKIP_BUILD=1 reuses
// dist/ as it is, DEMO_BUILD=1 rebuilds even when it looks up to date.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['index.js', 'index.cjs', 'index.d.ts', 'authsocket.min.js', 'server.js', 'server.d.ts'].map((file) => join(root, 'dist', file));
const sources = ['src', 'rollup.config.mjs', 'package.json', 'tsconfig.json'].map((file) => join(root, file));

/** The newest modification time under `paths` (files and directories, recursively). */
function newest(paths) {
  let time = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    time = Math.max(time, stat.mtimeMs);
    if (stat.isDirectory()) time = Math.max(time, newest(readdirSync(path).map((name) => join(path, name))));
  }
  return time;
}

/** Why dist/ must be (re)built, or undefined when it is up to date. */
function staleReason() {
  if (process.env.DEMO_BUILD === '1') return 'DEMO_BUILD=1';
  if (!outputs.every((file) => existsSync(file))) return 'dist/ is missing';
  const oldestOutput = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  if (newest(sources) > oldestOutput) return 'src/ changed since the last build';
  return undefined;
}

function run(label, command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`[demo] ${label} failed; see above.`);
    process.exit(1);
  }
}

if (process.env.DEMO_SKIP_BUILD === '1' && existsSync(join(root, 'dist/server.js'))) {
  console.log('[demo] DEMO_SKIP_BUILD=1: using the existing dist/');
} else {
  const reason = staleReason();
  if (reason) {
    console.log(`[demo] building the package (npm run build): ${reason}…`);
    run('the build', 'npm', ['run', 'build']);
  } else {
    console.log('[demo] dist/ is up to date with src/: not rebuilding (DEMO_BUILD=1 forces it)');
  }
  // The bundler example's page needs its bundle (esbuild: well under a second).
  const bundle = join(root, 'examples/bundler/dist/main.js');
  if (!existsSync(bundle) || newest([join(root, 'examples/bundler/src'), join(root, 'dist/index.js')]) > statSync(bundle).mtimeMs) {
    run('the bundler example', process.execPath, ['examples/bundler/build.mjs']);
  }
}

const { startDemoServer } = await import('./server.mjs');
const requested = process.env.PORT ?? '8787';
let demo;
try {
  demo = await startDemoServer({ port: Number(requested) });
} catch (error) {
  if (error?.code !== 'EADDRINUSE' || process.env.PORT) throw error;
  console.log(`[demo] port ${requested} is busy: picking a free one`);
  demo = await startDemoServer({ port: 0 });
}

console.log('');
console.log(`  authsocket demo: open ${demo.url} in two tabs (Ctrl+C to stop)`);
console.log('');

const stop = async () => {
  await demo.close().catch(() => {});
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
