// Types of scripts/rollup/exactEdit.mjs for the TypeScript callers.
export function editFailure(plugin: string, file: string, fn: string): (why: string) => never;
export function occurrences(text: string, part: string): number;
export function escapeRegExp(text: string): string;
