// Types of scripts/rollup/mangleInternals.mjs for the TypeScript callers (test/unit/minify-internals.test.ts).
import type { Plugin } from 'rollup';

export const INTERNAL_NAMES: Record<string, string>;
export function mangleInternals(): Plugin;
