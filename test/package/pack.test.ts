// `npm pack` from a clean checkout (no dist/) makes a complete package: the
// `prepack` script builds, and the tarball holds dist/, LICENSE and README.md.
// The checkout is a copy of the tracked files in a temp dir (node_modules
// symlinked), so this repo's own dist/ is never rebuilt under other tests.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

let checkout: string;
let files: string[];

before(async () => {
  checkout = mkdtempSync(join(tmpdir(), 'authsocket-pack-'));
  // The tracked files as they are in the work tree: what a fresh clone holds.
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    if (!existsSync(join(root, file))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    cpSync(join(root, file), join(checkout, file));
  }
  symlinkSync(realpathSync(join(root, 'node_modules')), join(checkout, 'node_modules'));
  assert.ok(!existsSync(join(checkout, 'dist')), 'the checkout has no dist/');

  const env = { ...process.env };
  delete env.npm_config_ignore_scripts;
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: checkout, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
  const [report] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  files = report.files.map((file: { path: string }) => file.path).sort();
});

after(() => {
  if (checkout) rmSync(checkout, { recursive: true, force: true });
});

test('npm pack on a clean checkout builds first (prepack) and ships dist/, LICENSE and README.md', () => {
  for (const file of [
    'LICENSE', 'README.md', 'package.json',
    'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/authsocket.min.js',
    'dist/server.js', 'dist/server.cjs', 'dist/server.d.ts', 'dist/server.d.cts',
    'dist/react.js', 'dist/react.cjs', 'dist/react.d.ts', 'dist/react.d.cts',
    // Licences of the packages the CDN build inlines.
    'dist/authsocket.min.js.LICENSE.txt',
  ]) assert.ok(files.includes(file), `${file} is in the tarball (got ${files.join(', ')})`);
  assert.deepEqual(files.filter((file) => !/^(dist\/|LICENSE$|README\.md$|package\.json$)/.test(file)), [], 'nothing else');
  assert.deepEqual(files.filter((file) => /reconnecting-websocket|js-cookie/.test(file)), [], 'no copy of a dependency');
});

test('LICENSE is the MIT license package.json names', () => {
  assert.equal(pkg.license, 'MIT');
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  assert.match(license, /^MIT License/);
  assert.match(license, /Copyright \(c\) 2026 authsocket contributors/);
});

test('package.json names the repository, homepage and issue tracker (the registry resolves README links against it)', () => {
  assert.deepEqual(pkg.repository, { type: 'git', url: 'git+https://github.com/authsocket/authsocket.git' });
  assert.match(pkg.homepage, /^https:\/\/github\.com\/authsocket\/authsocket/);
  assert.match(pkg.bugs.url, /^https:\/\/github\.com\/authsocket\/authsocket\/issues$/);
});

test("every relative link in README.md points at a file in the repository", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((found) => found[1]!).filter((link) => !/^[a-z]+:/.test(link));
  assert.ok(links.length > 5, 'the README has relative links');
  for (const link of links) assert.ok(existsSync(join(root, link)), `README links to ${link}, which exists`);
});
