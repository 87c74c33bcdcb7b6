// The recipes in docs/recipes/ are the code the interop tests run: each fenced
// block marked `<!-- recipe: examples/recipes/<file> -->` must equal its file
// (`node scripts/recipes.mjs` rewrites them), every recipe file is shown in a
// doc, and the README links every recipe.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: plain JS module without types
import { recipeDocs } from '../../scripts/recipes.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const docs: Array<{ path: string; text: string; expected: string; files: string[] }> = recipeDocs();

test('every recipe block in docs/recipes equals the file the tests run', () => {
  assert.ok(docs.length >= 4, 'graphql-ws, python-websockets, proxies, websockify');
  for (const doc of docs) {
    assert.ok(doc.files.length > 0, `${doc.path} shows at least one tested file`);
    assert.equal(doc.text, doc.expected, `${doc.path} drifted from ${doc.files.join(', ')}: run node scripts/recipes.mjs`);
  }
});

test('every file in examples/recipes is shown in a recipe', () => {
  const shown = new Set(docs.flatMap((doc) => doc.files));
  for (const name of readdirSync(`${root}examples/recipes`)) {
    assert.ok(shown.has(`examples/recipes/${name}`), `examples/recipes/${name} is in no docs/recipes/*.md`);
  }
});

test('the README links every recipe', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  for (const doc of docs) assert.ok(readme.includes(`](${doc.path})`), `README links ${doc.path}`);
});
