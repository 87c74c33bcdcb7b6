// The recipes in docs/recipes/*.md show files from examples/recipes/ verbatim, and
// the interop tests run those files. A block starts with a marker line
//   <!-- recipe: examples/recipes/<file> -->
// followed by a fenced code block. `node scripts/recipes.mjs` rewrites every such
// block from its file; `--check` only reports drift (test/interop/recipes.test.ts).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BLOCK = /(<!-- recipe: (\S+) -->\n)```[^\n]*\n(?:[\s\S]*?\n)??```(?=\n|$)/g;
const LANGUAGE = { '.ts': 'ts', '.py': 'python', '.go': 'go', '.cfg': 'haproxy', '.conf': 'nginx' };

/** Each doc with its text as it is and as it should be. */
export function recipeDocs() {
  const dir = join(root, 'docs', 'recipes');
  return readdirSync(dir).filter((name) => name.endsWith('.md')).map((name) => {
    const path = join(dir, name);
    const text = readFileSync(path, 'utf8');
    const files = [];
    const expected = text.replace(BLOCK, (_block, marker, file) => {
      files.push(file);
      const source = readFileSync(join(root, file), 'utf8').replace(/\n$/, '');
      return `${marker}\`\`\`${LANGUAGE[file.slice(file.lastIndexOf('.'))] ?? ''}\n${source}\n\`\`\``;
    });
    return { path: `docs/recipes/${name}`, text, expected, files };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let drift = 0;
  for (const doc of recipeDocs()) {
    if (doc.text === doc.expected) continue;
    drift++;
    if (check) console.error(`${doc.path}: a recipe block differs from its file (run node scripts/recipes.mjs)`);
    else writeFileSync(join(root, doc.path), doc.expected);
  }
  if (check && drift > 0) process.exit(1);
}
