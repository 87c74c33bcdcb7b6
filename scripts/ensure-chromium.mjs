// Makes sure a Chromium is there for the browser tests. scripts/install-test-deps.sh
// (run first by scripts/test.sh) installs Debian's package as root; otherwise this
// tries Playwright's download, or says in one line what to do. Never a stack trace.
import { spawnSync } from 'node:child_process';
import { findChromium } from './find-chromium.mjs';

if (!findChromium()) {
  console.log('No Chromium found: trying `npx playwright-core install chromium`…');
  spawnSync('npx', ['--no-install', 'playwright-core', 'install', 'chromium'], { stdio: 'inherit' });
  if (!findChromium()) {
    console.error(
      'authsocket tests need Chromium: run `npx playwright install chromium` (or `sudo apt-get install chromium`), or set CHROMIUM_PATH to a Chromium binary.',
    );
    process.exit(1);
  }
}
console.log(`Chromium: ${findChromium()}`);
