// Where the tests' Chromium lives: $CHROMIUM_PATH, Debian's /usr/bin/chromium,
// or the browser that `npx playwright install chromium` downloaded.
import { isExecutable } from './executable.mjs';
import { chromium } from 'playwright-core';

export function findChromium() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    safe(() => chromium.executablePath()),
  ];
  return candidates.find((path) => path && isExecutable(path));
}

function safe(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}
