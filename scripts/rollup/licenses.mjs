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

/**
 * Rollup plugin for the ESM/CJS builds, whose chunks import nothing from npm
 * but may inline a package (reconnecting-websocket): every such chunk starts
 * with a one-line `/*! … *\/` notice (package, version, licence, copyright;
 * bundlers keep `/*!` comments as legal comments), and `fileName` (relative to
 * the output dir) holds the full licence text of every inlined package.
 * @param {{ fileName: string }} options
 */
export function inlinedLicenses({ fileName }) {
  const packagesOf = (ids) => [...new Set(ids.map(packageDir).filter(Boolean))].sort();
  const describe = (dir) => {
    const pkg = readJson(join(dir, 'package.json'));
    const text = licenseText(dir);
    return { pkg, text, copyright: text?.match(/^Copyright .*$/m)?.[0] };
  };
  return {
    name: 'authsocket-inlined-licenses',
    banner(chunk) {
      return packagesOf(chunk.moduleIds).map((dir) => {
        const { pkg, copyright } = describe(dir);
        return `/*! ${pkg.name} v${pkg.version} | ${pkg.license}${copyright ? ` | ${copyright}` : ''} | licence: ${fileName} */`;
      }).join('\n');
    },
    generateBundle(output, bundle) {
      const dirs = packagesOf(Object.values(bundle).flatMap((chunk) => (chunk.type === 'chunk' ? Object.keys(chunk.modules) : [])));
      if (!dirs.length) return;
      const sections = dirs.map((dir) => {
        const { pkg, text } = describe(dir);
        if (!text) this.error(`${pkg.name} is inlined into ${output.dir} but ships no LICENSE file: add its notice by hand`);
        return `${pkg.name} ${pkg.version} (${pkg.license})${pkg.homepage ? ` ${pkg.homepage}` : ''}\n\n${text}`;
      });
      this.emitFile({
        type: 'asset',
        fileName,
        source: `Licences of the third-party code that the files of this directory inline (the packages below).\n\n${sections.join(`\n\n${'-'.repeat(72)}\n\n`)}\n`,
      });
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
