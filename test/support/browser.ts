// Launches the tests' Chromium through Playwright: $CHROMIUM_PATH, Debian's
// /usr/bin/chromium, or Playwright's own download (scripts/find-chromium.mjs).
import { chromium, type Browser } from 'playwright-core';
import { findChromium } from '../../scripts/find-chromium.mjs';

export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found: run `npx playwright install chromium` or set CHROMIUM_PATH');
  return chromium.launch({
    executablePath,
    args: [
      '--disable-quic',
      '--disable-gpu',
      // Several "sites" on one machine, for cookie-scope and Origin tests.
      '--host-resolver-rules=MAP *.example.test 127.0.0.1, MAP *.other.test 127.0.0.1',
    ],
  });
}
