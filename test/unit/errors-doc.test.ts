// docs/errors.md explains every AuthSocketError code under a heading of its own
// (GitHub's anchor: the code in lower case, e.g. #invalid_options, which error
// messages may link to), lists each in its summary table, and documents every
// close code and HTTP status the gate answers with.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const doc = read('docs/errors.md');
const union = read('src/errors/AuthSocketError.ts').match(/type AuthSocketErrorCode =([^;]+);/)![1]!;
const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);

test('every AuthSocketErrorCode has its section, anchor and summary row in docs/errors.md', () => {
  assert.ok(codes.length >= 12, `codes parsed from the union: ${codes.join(', ')}`);
  const headings = [...doc.matchAll(/^## (\S+)$/gm)].map((m) => m[1]!);
  for (const code of codes) {
    assert.ok(headings.includes(code), `a "## ${code}" section`);
    assert.ok(doc.includes(`| [\`${code}\`](#${code.toLowerCase()}) |`), `${code} in the summary table, linked to #${code.toLowerCase()}`);
  }
  const documented = headings.filter((h) => /^[A-Z_]+$/.test(h));
  assert.deepEqual(documented.filter((h) => !codes.includes(h)), [], 'no section for a code that does not exist');
});

test('the server table covers each close code and HTTP status the gate uses', () => {
  const table = doc.slice(doc.indexOf('## Server close codes and HTTP statuses'));
  for (const code of ['4401', '4403', '1008', '1009', '1011', '1013']) assert.match(table, new RegExp(`\\| \\*\\*${code}\\*\\*`), `close ${code}`);
  for (const status of ['400', '403', '429', '503']) assert.match(table, new RegExp(`\\| HTTP \\*\\*${status}\\*\\*`), `HTTP ${status}`);
});

test('internal links of docs/errors.md point at headings that exist', () => {
  const anchors = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^a-z0-9_ -]/g, '').replace(/ /g, '-')));
  for (const [, anchor] of doc.matchAll(/\]\(#([^)]+)\)/g)) assert.ok(anchors.has(anchor!), `#${anchor} exists`);
  assert.match(read('README.md'), /\[docs\/errors\.md\]\(docs\/errors\.md\)/, 'README links the page');
});

test("error messages link to the repository's rendered docs/errors.md by full URL (the npm package has no docs/)", async () => {
  const { ERRORS_DOC_URL, fail } = await import('../../src/errors/AuthSocketError.ts');
  const pkg = JSON.parse(read('package.json'));
  const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  assert.equal(ERRORS_DOC_URL, `${repository}/blob/main/docs/errors.md#`);
  assert.ok(!pkg.files.includes('docs'), 'docs/ is not shipped, so a relative path would point at nothing');
  assert.match(fail('QUEUE_FULL', 'x').message, /— https:\/\/github\.com\/authsocket\/authsocket\/blob\/main\/docs\/errors\.md#queue_full$/);
});
