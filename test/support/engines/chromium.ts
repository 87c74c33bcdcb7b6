// Chromium through playwright-core: $CHROMIUM_PATH, Debian's /usr/bin/chromium,
// or Playwright's own download (scripts/find-chromium.mjs).
import { chromium, type Browser } from 'playwright-core';
import { findChromium } from '../../../scripts/find-chromium.mjs';
import { TEST_DOMAINS } from './hosts.ts';

export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found: run `npx playwright install chromium` or set CHROMIUM_PATH');
  return chromium.launch({
    executablePath,
    args: [
      '--disable-quic',
      '--disable-gpu',
      // Several "sites" on one machine, for cookie-scope and Origin tests.
      `--host-resolver-rules=${TEST_DOMAINS.map((domain) => `MAP *.${domain} 127.0.0.1`).join(', ')}`,
    ],
  });
}
