// bench/featureCost.ts: a feature's exports are stubbed for their importers
// (its code leaves the bundle, the rest of the module stays), and a feature
// whose module or export is not on this checkout reads n/a with the reason.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { rollup, type Plugin } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { FEATURES, missing, stubPlugin } from '../../bench/featureCost.ts';
import { ROOT } from '../../bench/paths.ts';

const ENTRY = '\0entry';
const entry = (code: string): Plugin => ({
  name: 'entry',
  resolveId: (id) => (id === ENTRY ? id : null),
  load: (id) => (id === ENTRY ? code : null),
});

async function bundle(code: string, plugins: Plugin[]): Promise<string> {
  const build = await rollup({ input: ENTRY, plugins: [...plugins, entry(code), esbuild({ target: 'es2022' })], onwarn: () => {} });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return output[0].code;
}

test('a stubbed export leaves the bundle; the module\'s other exports stay', async () => {
  const options = JSON.stringify(join(ROOT, 'src/core/options.ts'));
  const code = `import { checkProtocols, checkQueueMax } from ${options}; export default (p, q) => { checkProtocols(p); return checkQueueMax(q); };`;
  const full = await bundle(code, []);
  assert.match(full, /function checkProtocols\(protocols\)/);
  const used = new Set<string>();
  const stubbed = await bundle(code, [stubPlugin([{ module: 'src/core/options.ts', exports: ['checkProtocols'] }], used)]);
  assert.doesNotMatch(stubbed, /function checkProtocols\(protocols\)/);
  assert.match(stubbed, /function checkQueueMax\(/);
  assert.deepEqual([...used], [join(ROOT, 'src/core/options.ts')]);
});

test('a feature whose module or export is absent is n/a, with the reason', () => {
  assert.equal(missing({ name: 'x', stubs: [{ module: 'src/nowhere/x.ts', exports: ['x'] }] }), 'src/nowhere/x.ts does not exist');
  assert.equal(missing({ name: 'x', stubs: [{ module: 'src/core/heartbeat.ts', exports: ['heartbeatFeature', 'Nope'] }] }), 'src/core/heartbeat.ts exports no Nope');
  assert.equal(missing({ name: 'x', stubs: [{ module: 'src/core/heartbeat.ts', exports: ['heartbeatFeature'] }] }), undefined);
  for (const name of ['subprotocol', 'query', 'cookie', 'message', 'header', 'basic']) {
    const feature = FEATURES.find((f) => f.name === `carrier \`${name}\``);
    assert.ok(feature && missing(feature) === undefined, `carrier ${name} is measurable`);
  }
});
