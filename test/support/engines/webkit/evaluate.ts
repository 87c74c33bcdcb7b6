// page.evaluate over WebDriver: the function's source and a JSON argument go to
// an in-page runner. Values cross as JSON with markers for what JSON loses
// (undefined, NaN, ±Infinity), as Playwright keeps them. A promise that does not
// settle within a slice is parked in the page and polled, so that a long
// evaluate never holds the session's one command queue.

const MARK = '__authsocketShim';
/** The page's shim: parked evaluations, recorded events, and the timer functions as they were when it was made. */
const SHIM = `window.${MARK} || (window.${MARK} = { parked: {}, seq: 0, events: [], setTimeout: window.setTimeout.bind(window), clearTimeout: window.clearTimeout.bind(window) })`;

/** Runs in the page: arguments = [source, isFunction, argJson, sliceMs]. */
export const RUN = `
const [source, isFunction, argJson, sliceMs] = arguments;
return (async () => {
const __name = (fn) => fn; // tsx (esbuild keepNames) wraps functions in __name(...)
if (!window.__name) window.__name = __name;
const shim = ${SHIM};
const revive = (v) => {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === 'object') {
    if (v['${MARK}'] === 'undefined') return undefined;
    if ('${MARK}' in v) return Number(v['${MARK}']);
    const out = {};
    for (const k of Object.keys(v)) out[k] = revive(v[k]);
    return out;
  }
  return v;
};
const encode = (v) => JSON.stringify(v === undefined ? { '${MARK}': 'undefined' } : v, (_k, x) =>
  x === undefined ? { '${MARK}': 'undefined' } : typeof x === 'number' && !Number.isFinite(x) ? { '${MARK}': String(x) } : x);
const failure = (e) => ({ error: e && e.stack ? String(e.message) + '\\n' + e.stack : String(e && e.message || e) });
const drain = () => shim.events.splice(0);
let result;
try {
  const arg = revive(JSON.parse(argJson));
  // Compiled in the global scope, as Playwright does: the shim's names stay out of reach.
  // A string that is no expression (an init script's statements) runs as a script body.
  let compile;
  try { compile = new Function('__name', 'return (' + source + '\\n)'); } catch (e) {
    if (isFunction || !(e instanceof SyntaxError)) throw e;
    compile = new Function('__name', source);
  }
  const compiled = compile(__name);
  result = isFunction ? compiled(arg) : compiled;
  if (!isFunction && typeof result === 'function') result = result(arg);
} catch (e) {
  return { ...failure(e), events: drain() };
}
if (!result || typeof result.then !== 'function') {
  try { return { value: encode(result), events: drain() }; } catch (e) { return { ...failure(e), events: drain() }; }
}
const parked = { done: false };
result.then((v) => { try { parked.value = encode(v); } catch (e) { Object.assign(parked, failure(e)); } parked.done = true; },
  (e) => { Object.assign(parked, failure(e)); parked.done = true; });
// The page's own timer functions as they were at the first navigation: a test may count or replace the live ones.
await new Promise((resolve) => { const t = shim.setTimeout(resolve, sliceMs); result.then(() => { shim.clearTimeout(t); resolve(); }, () => { shim.clearTimeout(t); resolve(); }); });
if (parked.done) return { ...parked, events: drain() };
const id = ++shim.seq;
shim.parked[id] = parked;
return { parked: id, events: drain() };
})();
`;

/** Runs in the page: arguments = [id]. */
export const POLL = `
const shim = window.${MARK};
if (!shim || !shim.parked[arguments[0]]) return { error: 'Execution context was destroyed (the page navigated)', events: [] };
const parked = shim.parked[arguments[0]];
if (!parked.done) return { parked: arguments[0], events: shim.events.splice(0) };
delete shim.parked[arguments[0]];
return { ...parked, events: shim.events.splice(0) };
`;

/** Runs in the page after each navigation: records console lines (text, each argument as JSON) and uncaught errors for page.on(), once per document. */
export const HOOKS = `
const shim = ${SHIM};
if (!shim.hooked) {
  shim.hooked = true;
  const asJson = (v) => { try { const json = JSON.stringify(v); return json === undefined ? null : JSON.parse(json); } catch { return null; } };
  for (const type of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = console[type].bind(console);
    console[type] = (...args) => { shim.events.push({ kind: 'console', type, text: args.map(String).join(' '), args: args.map(asJson) }); original(...args); };
  }
  window.addEventListener('error', (e) => shim.events.push({ kind: 'pageerror', message: String(e.message) }));
  window.addEventListener('unhandledrejection', (e) => shim.events.push({ kind: 'pageerror', message: String(e.reason && e.reason.message || e.reason) }));
}
`;

/**
 * The same recorder as a classic script for a test page's HTML, ahead of the page's own
 * scripts: WebDriver's first chance to run HOOKS is after the load event, too late for what a
 * page logs while loading. What it records is delivered by the next evaluate or console poll.
 */
export const CONSOLE_RECORDER = `(() => {${HOOKS}})();`;

/** Runs in the page: hands over what the recorder has so far (none before the first hook). */
export const DRAIN = `
const shim = window.${MARK};
return { events: shim ? shim.events.splice(0) : [] };
`;

export interface Outcome {
  value?: string;
  error?: string;
  parked?: number;
  events: Array<{ kind: 'console' | 'pageerror'; type?: string; text?: string; args?: unknown[]; message?: string }>;
}

export function encodeArg(arg: unknown): string {
  return JSON.stringify(arg === undefined ? { [MARK]: 'undefined' } : arg, (_k, x) =>
    x === undefined ? { [MARK]: 'undefined' } : typeof x === 'number' && !Number.isFinite(x) ? { [MARK]: String(x) } : x);
}

export function decodeValue(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  const revive = (v: any): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      if (v[MARK] === 'undefined') return undefined;
      if (MARK in v) return Number(v[MARK]);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) out[k] = revive(v[k]);
      return out;
    }
    return v;
  };
  return revive(JSON.parse(json));
}
