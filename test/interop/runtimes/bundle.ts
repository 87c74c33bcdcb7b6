// Bundles a Worker as wrangler does (esbuild, ESM, the `workerd`/`worker`/
// `browser` export conditions): what a Workers app would deploy. The result's
// module list proves what the Worker pulled in (no `ws`, no `node:*`).
import { build } from 'esbuild';

export interface WorkerBundle {
  code: string;
  /** Every input file esbuild put in the bundle, relative to the repo. */
  inputs: string[];
}

/** `alias`: import names to resolve to files (e.g. the package's own entry to its build). */
export async function bundleWorker(entry: string, alias: Record<string, string> = {}): Promise<WorkerBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    alias,
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}
