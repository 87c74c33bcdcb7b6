// Types of scripts/rollup/jsCookieSource.mjs for the TypeScript callers (test/unit/js-cookie-source.test.ts).
import type { Plugin } from 'rollup';

export const JS_COOKIE_UNUSED: readonly { name: string; head: string }[];
export const JS_COOKIE_KEPT: readonly string[];
export function stripUnusedApi(source: string, file?: string): string;
export function jsCookieFile(): { dir: string; file: string };
export function jsCookieSource(): Plugin;
