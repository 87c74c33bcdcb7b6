// A floor for the size targets, not a shippable build: the same minified code
// with the text of every string literal and template chunk longer than 12
// characters (the error messages, debug lines and hints) cut to one character.
// It answers "how small would this be with no message text at all?" so that a
// size target can be checked against what messages can possibly give.
import { parse } from 'acorn';

/** `code` with each long string's text replaced by `x` (quotes and template structure kept). */
export function withoutMessages(code: string, longerThan = 12): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const spans: Array<[number, number]> = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { type?: string; start: number; end: number; value?: unknown };
    if (n.type === 'Literal' && typeof n.value === 'string' && n.end - n.start - 2 > longerThan) spans.push([n.start + 1, n.end - 1]);
    if (n.type === 'TemplateElement' && n.end - n.start > longerThan) spans.push([n.start, n.end]);
    for (const value of Object.values(n)) if (value && typeof value === 'object') visit(value);
  };
  visit(ast);
  let out = code;
  for (const [start, end] of spans.sort((a, b) => b[0] - a[0])) out = `${out.slice(0, start)}x${out.slice(end)}`;
  return out;
}
