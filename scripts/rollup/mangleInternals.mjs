// Rollup output plugin for the ESM/CJS client builds: renames the client's
// internal property names (INTERNAL_PROPERTIES in ./minify.mjs, the list the
// CDN build mangles with terser) to short `$`-names in every chunk, and leaves
// the code's layout alone. An app's minifier never renames properties, so
// without this every `session.primary` or `link.confirmed` would ship in full
// in each app's bundle.
//
// One fixed mapping for every chunk of an output (not a per-file choice):
// chunks import each other, so a name must read the same in all of them. No
// source name starts with `$`, so a mangled name cannot meet a real one.
// test/unit/minify-internals.test.ts proves the names are private to the client.
import { transform } from 'esbuild';
import { INTERNAL_PROPERTIES } from './minify.mjs';

const DIGITS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `$a`, `$b`, … `$9`, `$aa`, …: the short name of the n-th internal property. */
function shortName(n) {
  let name = '';
  do {
    name = DIGITS[n % DIGITS.length] + name;
    n = Math.floor(n / DIGITS.length) - 1;
  } while (n >= 0);
  return `$${name}`;
}

/** The fixed renaming, internal name → short name. */
export const INTERNAL_NAMES = Object.fromEntries(INTERNAL_PROPERTIES.map((name, n) => [name, shortName(n)]));

const exactly = new RegExp(`^(?:${INTERNAL_PROPERTIES.join('|')})$`);

export function mangleInternals() {
  return {
    name: 'authsocket-mangle-internals',
    async renderChunk(code, chunk) {
      // A chunk of third-party code only (reconnecting-websocket's) has none of
      // the client's objects: it stays byte for byte, licence banner first.
      if (chunk.moduleIds.every((id) => id.includes('/node_modules/'))) return null;
      const result = await transform(code, {
        loader: 'js', target: 'es2022', sourcemap: true, sourcefile: chunk.fileName,
        legalComments: 'inline', mangleProps: exactly, mangleCache: { ...INTERNAL_NAMES },
      });
      const unlisted = Object.keys(result.mangleCache ?? {}).filter((name) => !(name in INTERNAL_NAMES));
      if (unlisted.length) this.error(`mangleInternals: ${unlisted.join(', ')} renamed without a fixed name`);
      return { code: result.code, map: result.map };
    },
  };
}
