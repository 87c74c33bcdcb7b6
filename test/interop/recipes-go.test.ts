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
import { requireTool } from '../support/tools.ts';

const SOURCE = fileURLToPath(new URL('../../examples/recipes/gorilla_server.go', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'authsocket-go-'));
const BINARY = join(scratch, 'gorilla_server');
after(() => rmSync(scratch, { recursive: true, force: true }));

// GOPATH mode on Debian's packages: the build needs no network.
Object.assign(process.env, { GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '', GOCACHE: join(scratch, 'cache') });
const needs = requireTool('go', 'golang-go golang-github-gorilla-websocket-dev', {
  probe: ['list', 'github.com/gorilla/websocket'], what: 'Go with gorilla/websocket',
});
// Built as its page says; with the toolchain there, a failed build is a real failure.
if (!needs.skip) {
  const build = spawnSync('go', ['build', '-o', BINARY, SOURCE], { encoding: 'utf8', timeout: 120_000 });
  if (build.error || build.status !== 0) throw new Error(`go build ${SOURCE} failed: ${build.error?.message ?? build.stderr.trim()}`);
}

describeRecipe(`Go gorilla in ${engine.label}`, needs, recipeProcess(BINARY, []), { tokenOnlyStatus: 400 });
