// Rollup plugin: writes `<bundle>.LICENSE.txt` next to a bundle that inlines
// dependencies, with authsocket's licence and the full licence text of every
// npm package whose code the bundle contains (MIT and ISC require the notice in
// copies). The minified file then needs only a one-line pointer banner, not the
// packages' comments.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, sep } from 'node:path';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The directory of the package a module belongs to (the nearest package.json under node_modules). */
function packageDir(id) {
  const at = id.lastIndexOf(`${sep}node_modules${sep}`);
  if (at < 0) return undefined;
  const rest = id.slice(at + 14).split(sep);
  return join(id.slice(0, at + 14), ...rest.slice(0, rest[0].startsWith('@') ? 2 : 1));
}

function licenseText(dir) {
  const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
}

/** @param {{ root: string }} options the project root (its package.json and LICENSE). */
export function licenses({ root }) {
  return {
    name: 'authsocket-licenses',
    generateBundle(output, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const own = readJson(join(root, 'package.json'));
        const sections = [`${own.name} ${own.version} (${own.license})\n\n${readFileSync(join(root, 'LICENSE'), 'utf8').trim()}`];
        const dirs = [...new Set(Object.keys(chunk.modules).map(packageDir).filter(Boolean))].sort();
        for (const dir of dirs) {
          const pkg = readJson(join(dir, 'package.json'));
          const text = licenseText(dir);
          if (!text) this.error(`${pkg.name} is bundled into ${chunk.fileName} but ships no LICENSE file: add its notice by hand`);
          sections.push(`${pkg.name} ${pkg.version} (${pkg.license})${pkg.homepage ? ` ${pkg.homepage}` : ''}\n\n${text}`);
        }
        this.emitFile({
          type: 'asset',
          fileName: `${basename(chunk.fileName)}.LICENSE.txt`,
          source: `Licences of the code in ${basename(chunk.fileName)}, which bundles the packages below.\n\n${sections.join(`\n\n${'-'.repeat(72)}\n\n`)}\n`,
        });
      }
    },
  };
}

/** `/*! … *\/` banner pointing at the licence file; terser keeps only this comment. */
export function licenseBanner(root, file) {
  const own = readJson(join(root, 'package.json'));
  return `/*! ${own.name} v${own.version} | ${own.license} | licences: ${basename(file)}.LICENSE.txt */`;
}

/** Matches the banner's comment text (terser's `format.comments`). */
export const LICENSE_BANNER = /licences: \S+\.LICENSE\.txt/;
