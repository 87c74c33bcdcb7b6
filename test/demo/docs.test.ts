// `npm run docs` works: TypeDoc builds the API reference from the TSDoc in src/
// (typedoc.json) without warnings, into a scratch directory. And the Markdown
// docs hold together: links resolve, the README stays short.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('TypeDoc generates the API reference (client and server) with no warning', () => {
  const out = mkdtempSync(join(tmpdir(), 'authsocket-docs-'));
  try {
    const typedoc = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--out', out, '--treatWarningsAsErrors'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(typedoc.status, 0, `typedoc failed:\n${typedoc.stdout}${typedoc.stderr}`);
    assert.ok(existsSync(join(out, 'classes', 'index.AuthSocket.html')), 'the AuthSocket class page');
    const options = readFileSync(join(out, 'interfaces', 'index.AuthSocketOptions.html'), 'utf8');
    assert.match(options, /heartbeat/, 'options are documented');
    assert.ok(existsSync(join(out, 'functions', 'server.createAuthGate.html')), 'the server entry point');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// The README is the short way in; the rest lives in docs/*.md. Every relative
// link there leads to a file that exists and, with a #fragment into a Markdown
// file, to a heading that exists (GitHub's anchor rules, simplified to what
// these pages use).
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** GitHub's anchor for a heading: lower case, punctuation but `-`/`_` dropped, spaces → `-`. */
const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}_ -]/gu, '').replace(/ /g, '-');
const anchors = (path: string) => new Set([...read(path).replace(/```[\s\S]*?```/g, '').matchAll(/^#+ (.+)$/gm)].map((found) => anchor(found[1]!)));

test('every relative link in README.md and docs/*.md leads to an existing file and heading', () => {
  for (const page of pages) {
    const text = read(page).replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [file, fragment] = target!.split('#') as [string, string | undefined];
      const path = file === '' ? page : normalize(join(dirname(page), file));
      assert.ok(existsSync(join(root, path)), `${page} links ${target}: ${path} exists`);
      if (fragment && path.endsWith('.md')) assert.ok(anchors(path).has(fragment), `${page} links ${target}: #${fragment} is a heading of ${path}`);
    }
  }
});

test('the README stays short and speaks only of what ships', () => {
  const readme = read('README.md');
  assert.ok(readme.split('\n').length <= 330, `README.md is ${readme.split('\n').length} lines (about 300 at most: the rest goes to docs/)`);
  for (const page of pages) assert.doesNotMatch(read(page), /\bSPEC\b|\bFACTS\b/, `${page} names no internal document`);
  for (const command of ['npm ci && npm start', 'npm ci && npm test', 'npm run quickstart']) assert.ok(readme.includes(command), command);
});
