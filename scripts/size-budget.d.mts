// Types of scripts/size-budget.mjs for the TypeScript callers (the unit test, bench/sizes.ts).
import type { BuildOptions, Metafile } from 'esbuild';

export const BUDGET: number;
export const APP_BUDGET: number;
export const ROOT: string;
export const FILE: string;
export const APP: string;
export function gzippedSize(file?: string): number;
export function bundleApp(entry?: string, esbuildOptions?: BuildOptions): Promise<{
  code: Uint8Array;
  minified: number;
  gzipped: number;
  /** The bundle's inputs as esbuild's metafile names them (relative to the project root). */
  inputs: string[];
  /** esbuild's metafile: each input's bytes in the output (bench/modules.ts). */
  metafile: Metafile;
}>;
export function appGzippedSize(entry?: string): Promise<number>;
