// `npm start`: builds the package, starts the demo server on localhost and
// prints the URL to open. PORT=0 picks a free port; DEMO_SKIP_BUILD=1 reuses dist/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

if (process.env.DEMO_SKIP_BUILD === '1' && existsSync(new URL('../dist/server.js', import.meta.url))) {
  console.log('[demo] DEMO_SKIP_BUILD=1: using the existing dist/');
} else {
  console.log('[demo] building the package (npm run build)…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) {
    console.error('[demo] the build failed; see above.');
    process.exit(1);
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
