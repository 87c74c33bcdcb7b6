// The aiohttp recipe (docs/recipes/aiohttp.md) on Debian's python3-aiohttp,
// driven by the built browser client with every browser carrier.
import { fileURLToPath } from 'node:url';
import { engine } from '../support/browser.ts';
import { describeRecipe, recipeProcess } from '../support/interop/recipe-suite.ts';
import { requireTool } from '../support/tools.ts';

const PYTHON = '/usr/bin/python3';
// -B: no __pycache__ beside the recipe (every file there must be shown in a recipe page).
const SCRIPT = fileURLToPath(new URL('../../examples/recipes/aiohttp_server.py', import.meta.url));

describeRecipe(`aiohttp in ${engine.label}`, requireTool(PYTHON, 'python3-aiohttp', { probe: ['-c', 'import aiohttp'], what: 'aiohttp' }), recipeProcess(PYTHON, ['-B', SCRIPT]), { tokenOnlyStatus: 400 });
