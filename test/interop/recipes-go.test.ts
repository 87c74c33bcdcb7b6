// The Go gorilla/websocket recipe (docs/recipes/go-gorilla.md), built offline
// from Debian's golang-go and golang-github-gorilla-websocket-dev, driven by
// the built browser client with every browser carrier.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { engine } from '../support/browser.ts';
import { describeRecipe, recipeProcess } from '../support/interop/recipe-suite.ts';
import { skipUnless } from '../support/interop/processes.ts';

const SOURCE = fileURLToPath(new URL('../../examples/recipes/gorilla_server.go', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'authsocket-go-'));
const BINARY = join(scratch, 'gorilla_server');
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Builds the recipe as its page says (GOPATH mode, no network); skips when the
 * toolchain or gorilla is missing, and under CI=true fails instead.
 */
function toolchain(): { skip?: string } {
  const build = spawnSync('go', ['build', '-o', BINARY, SOURCE], {
    encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '', GOCACHE: join(scratch, 'cache') },
  });
  const reason = build.error || build.status !== 0
    ? `Go gorilla/websocket (Debian packages golang-go golang-github-gorilla-websocket-dev): ${build.error?.message ?? build.stderr.trim().split('\n').at(-1)}`
    : undefined;
  if (reason !== undefined && process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  return skipUnless(reason);
}

describeRecipe(`Go gorilla in ${engine.label}`, toolchain(), recipeProcess(BINARY, []), { tokenOnlyStatus: 400 });
