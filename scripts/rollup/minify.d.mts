// Types of scripts/rollup/minify.mjs for the TypeScript callers (test/unit/minify-internals.test.ts).
import type { MinifyOptions } from 'terser';

export const INTERNAL_PROPERTIES: string[];
export const terserOptions: MinifyOptions;
