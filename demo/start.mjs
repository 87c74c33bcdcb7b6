// `npm start`: builds the package (only when dist/ is missing or older than its
// sources: demo/ensure-build.mjs), builds the bundler example, starts the demo
// server on localhost and prints the URL to open. PORT=0 picks a free port;
// DEMO_SKIP_BUILD=1 reuses dist/ as it is, DEMO_BUILD=1 rebuilds even when it
// looks up to date.
import { ensureBuilt } from './ensure-build.mjs';

ensureBuilt();

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
