import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Bundles the bench makes (peers for the page, size probes): gitignored. */
export const BUILD_DIR = fileURLToPath(new URL('./.build', import.meta.url));
