// Firefox: a system Firefox (Debian's firefox-esr, $FIREFOX_PATH) over WebDriver
// BiDi with playwright-core 1.64.1 (the `playwright-core-bidi` alias: 1.65 sends
// a command ESR 153 does not know), or Playwright's own Firefox build.
import type { Browser } from 'playwright-core';
import { findFirefox } from '../../../scripts/find-engines.mjs';
import { TEST_HOSTS } from './hosts.ts';

export async function launchFirefox(): Promise<Browser> {
  const found = findFirefox();
  if (!found) throw new Error('No Firefox found: apt-get install firefox-esr, npx playwright install firefox, or set FIREFOX_PATH');
  const firefoxUserPrefs = {
    // No resolver rules in Firefox: each test host is listed as a local name.
    'network.dns.localDomains': ['localhost', ...TEST_HOSTS].join(','),
  };
  if (found.bidi) {
    const { firefox } = await import('playwright-core-bidi');
    const browser = await firefox.launch({ channel: 'moz-firefox', executablePath: found.path, firefoxUserPrefs });
    return browser as unknown as Browser;
  }
  const { firefox } = await import('playwright-core');
  return firefox.launch({ executablePath: found.path, firefoxUserPrefs });
}
