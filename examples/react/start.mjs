// `npm run example:react`: builds the package when dist/ lacks an entry the
// example uses, bundles src/main.jsx, and serves the example on localhost.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildExample } from './build.mjs';

const root = new URL('../..', import.meta.url).pathname;
if (!['react.js', 'index.js', 'server.js'].every((file) => existsSync(`${root}dist/${file}`))) {
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
await buildExample();
// Imported once dist/ exists: the server uses authsocket/server from it.
const { startExampleServer } = await import('./server.mjs');
const example = await startExampleServer({ port: Number(process.env.PORT ?? 8788) });
console.log(`\n  authsocket/react example: open ${example.url} in two tabs (Ctrl+C to stop)\n`);
