// Which browser engines the tests can drive on this machine, and why not when
// one is missing. Chromium: $CHROMIUM_PATH, Debian's chromium or Playwright's
// download. Firefox: $FIREFOX_PATH, Debian's firefox-esr/firefox (driven over
// WebDriver BiDi) or Playwright's download. WebKit: $WEBKIT_DRIVER_PATH or
// WebKitGTK's WebKitWebDriver, plus Xvfb ($XVFB_PATH) for a private display.
//
// CLI: `node scripts/find-engines.mjs` prints one line per engine,
// `name<TAB>found|missing<TAB>path or reason` (scripts/test.sh reads it).
import { chromium, firefox } from 'playwright-core';
import { isExecutable } from './executable.mjs';
import { findChromium } from './find-chromium.mjs';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

const first = (paths) => paths.find((path) => path && isExecutable(path));

function safe(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Firefox: a system binary (BiDi, `bidi: true`) or Playwright's own build. */
export function findFirefox() {
  const system = first([process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox']);
  if (system) return { path: system, bidi: true };
  const own = first([safe(() => firefox.executablePath())]);
  return own ? { path: own, bidi: false } : undefined;
}

export function findWebKit() {
  const driver = first([process.env.WEBKIT_DRIVER_PATH, '/usr/bin/WebKitWebDriver', '/usr/lib/webkit2gtk-4.1/WebKitWebDriver']);
  const xvfb = first([process.env.XVFB_PATH, '/usr/bin/Xvfb']);
  return driver && xvfb ? { driver, xvfb } : undefined;
}

/** `{ name, path }` when the engine can run here, `{ name, missing }` (why, and what to do) when not. */
export function findEngine(name) {
  if (name === 'chromium') {
    const path = findChromium() ?? safe(() => chromium.executablePath());
    return path && isExecutable(path)
      ? { name, path }
      : { name, missing: 'no Chromium (npx playwright install chromium, apt-get install chromium, or CHROMIUM_PATH)' };
  }
  if (name === 'firefox') {
    const found = findFirefox();
    return found ? { name, path: found.path } : { name, missing: 'no Firefox (apt-get install firefox-esr, npx playwright install firefox, or FIREFOX_PATH)' };
  }
  if (name === 'webkit') {
    const found = findWebKit();
    if (found) return { name, path: found.driver };
    const what = first([process.env.WEBKIT_DRIVER_PATH, '/usr/bin/WebKitWebDriver']) ? 'no Xvfb (apt-get install xvfb, or XVFB_PATH)' : 'no WebKitWebDriver (apt-get install webkit2gtk-driver xvfb, or WEBKIT_DRIVER_PATH)';
    return { name, missing: what };
  }
  return { name, missing: `unknown engine (known: ${ENGINES.join(', ')})` };
}

/** The engines `ENGINES=a,b` asks for (all by default), each found or with the reason it is missing. */
export function findEngines(wanted = process.env.ENGINES) {
  const names = wanted ? wanted.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) : ENGINES;
  return names.map(findEngine);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const engine of findEngines()) {
    console.log(`${engine.name}\t${engine.path ? 'found' : 'missing'}\t${engine.path ?? engine.missing}`);
  }
}
