// Types of scripts/rollup/rwsSource.mjs for the TypeScript callers (test/unit/rws-source.test.ts).
import type { Plugin } from 'rollup';

export const RWS_PRIVATE: RegExp;
export const RWS_UNUSED: readonly string[];
export function stripDebug(source: string, file?: string): string;
export function rwsMembers(source: string, file?: string): { key: string; text: string }[];
export function stripUnusedMembers(source: string, file?: string): string;
export function rwsSource(options?: { mangleProps?: boolean }): Plugin;
