// The modules of src/ import each other without a circle (type imports
// included: a circle of types is still a knot to untie before changing one of
// them), and src/wire.ts, the wire vocabulary shared by the client and the
// server, imports nothing of the project.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const files = readdirSync(src, { recursive: true }).map(String).filter((file) => /\.tsx?$/.test(file));

/** Each module's relative imports and re-exports, as paths under src/. */
function importsOf(file: string): string[] {
  const code = readFileSync(join(src, file), 'utf8');
  return [...code.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*'(\.[^']+)'|^import\s*'(\.[^']+)'/gms)]
    .map((found) => relative(src, resolve(dirname(join(src, file)), (found[1] ?? found[2])!)));
}

/** Every import circle, each as the path that closes it. */
function circles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (path.includes(next)) found.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file);
  return found;
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));

test('no import circle in src/', () => {
  assert.ok(graph.size > 40, `read ${graph.size} modules`);
  assert.deepEqual(circles(graph), []);
});

test('the circle finder finds a circle', () => {
  assert.deepEqual(circles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']]])), ['a.ts → b.ts → c.ts → a.ts']);
});

test('src/wire.ts imports nothing of the project; the client and the server both use it', () => {
  assert.deepEqual(graph.get('wire.ts'), []);
  const users = files.filter((file) => graph.get(file)!.includes('wire.ts'));
  assert.ok(users.some((file) => file.startsWith('server/')), users.join(', '));
  assert.ok(users.some((file) => file.startsWith('core/') || file.startsWith('carriers/')), users.join(', '));
});
