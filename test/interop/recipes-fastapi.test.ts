// The FastAPI/Starlette recipe (docs/recipes/fastapi.md) on Debian's
// python3-fastapi, python3-starlette and python3-uvicorn, driven by the built
// browser client with every browser carrier.
import { fileURLToPath } from 'node:url';
import { engine } from '../support/browser.ts';
import { describeRecipe, recipeProcess } from '../support/interop/recipe-suite.ts';
import { requireTool } from '../support/tools.ts';

const PYTHON = '/usr/bin/python3';
// -B: no __pycache__ beside the recipe (every file there must be shown in a recipe page).
const SCRIPT = fileURLToPath(new URL('../../examples/recipes/fastapi_server.py', import.meta.url));

// Starlette answers every refusal before accept() with HTTP 403.
describeRecipe(`FastAPI in ${engine.label}`, requireTool(PYTHON, 'python3-fastapi python3-starlette python3-uvicorn python3-websockets', { probe: ['-c', 'import fastapi, starlette, uvicorn, websockets'], what: 'FastAPI + uvicorn (with websockets, its WebSocket backend)' }), recipeProcess(PYTHON, ['-B', SCRIPT]), { tokenOnlyStatus: 403 });
