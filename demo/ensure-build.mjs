// Builds the package only when dist/ is missing or older than its sources, and
// the bundler example when its bundle is older than dist/. Used by `npm start`
// (demo/start.mjs) and `npm run quickstart`; run directly it does the same:
//   node demo/ensure-build.mjs
// DEMO_SKIP_BUILD=1 reuses dist/ as it is, DEMO_BUILD=1 rebuilds even when it
// looks up to date.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['index.js', 'index.cjs', 'index.d.ts', 'authsocket.js', 'authsocket.min.js', 'server.js', 'server.d.ts'].map((file) => join(root, 'dist', file));
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
    console.error(`[build] ${label} failed; see above.`);
    process.exit(1);
  }
}

/** Brings dist/ (and, with `bundlerExample`, examples/bundler/dist/) up to date. */
export function ensureBuilt({ bundlerExample = true } = {}) {
  if (process.env.DEMO_SKIP_BUILD === '1' && existsSync(join(root, 'dist/server.js'))) {
    console.log('[build] DEMO_SKIP_BUILD=1: using the existing dist/');
    return;
  }
  const reason = staleReason();
  if (reason) {
    console.log(`[build] building the package (npm run build): ${reason}…`);
    run('the build', 'npm', ['run', 'build']);
  } else {
    console.log('[build] dist/ is up to date with src/: not rebuilding (DEMO_BUILD=1 forces it)');
  }
  if (!bundlerExample) return;
  // The bundler example's page needs its bundle (esbuild: well under a second).
  const bundle = join(root, 'examples/bundler/dist/main.js');
  if (!existsSync(bundle) || newest([join(root, 'examples/bundler/src'), join(root, 'dist/index.js')]) > statSync(bundle).mtimeMs) {
    run('the bundler example', process.execPath, ['examples/bundler/build.mjs']);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt({ bundlerExample: !process.argv.includes('--package-only') });
