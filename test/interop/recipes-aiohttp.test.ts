// The aiohttp recipe (docs/recipes/aiohttp.md) on Debian's python3-aiohttp,
// driven by the built browser client with every browser carrier.
import { fileURLToPath } from 'node:url';
import { engine } from '../support/browser.ts';
import { describeRecipe, recipeProcess } from '../support/interop/recipe-suite.ts';
import { missing, skipUnless } from '../support/interop/processes.ts';

const PYTHON = '/usr/bin/python3';
// -B: no __pycache__ beside the recipe (every file there must be shown in a recipe page).
const SCRIPT = fileURLToPath(new URL('../../examples/recipes/aiohttp_server.py', import.meta.url));

/** Skips when the Debian package is missing; under CI=true that fails instead. */
function toolchain(): { skip?: string } {
  const reason = missing(PYTHON, ['-c', 'import aiohttp'], 'aiohttp (Debian package python3-aiohttp)');
  if (reason !== undefined && process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  return skipUnless(reason);
}

describeRecipe(`aiohttp in ${engine.label}`, toolchain(), recipeProcess(PYTHON, ['-B', SCRIPT]), { tokenOnlyStatus: 400 });
