// The FastAPI/Starlette recipe (docs/recipes/fastapi.md) on Debian's
// python3-fastapi, python3-starlette and python3-uvicorn, driven by the built
// browser client with every browser carrier.
import { fileURLToPath } from 'node:url';
import { engine } from '../support/browser.ts';
import { describeRecipe, recipeProcess } from '../support/interop/recipe-suite.ts';
import { missing, skipUnless } from '../support/interop/processes.ts';

const PYTHON = '/usr/bin/python3';
// -B: no __pycache__ beside the recipe (every file there must be shown in a recipe page).
const SCRIPT = fileURLToPath(new URL('../../examples/recipes/fastapi_server.py', import.meta.url));

/** Skips when the Debian packages are missing; under CI=true that fails instead. */
function toolchain(): { skip?: string } {
  const reason = missing(PYTHON, ['-c', 'import fastapi, starlette, uvicorn'], 'FastAPI + uvicorn (Debian packages python3-fastapi python3-uvicorn)');
  if (reason !== undefined && process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  return skipUnless(reason);
}

// Starlette answers every refusal before accept() with HTTP 403.
describeRecipe(`FastAPI in ${engine.label}`, toolchain(), recipeProcess(PYTHON, ['-B', SCRIPT]), { tokenOnlyStatus: 403 });
