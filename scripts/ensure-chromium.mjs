// Makes sure a Chromium is there for the browser tests, installing one when it
// can (Debian's package as root, else Playwright's download), or says in one
// line what to do. Never a stack trace.
import { spawnSync } from 'node:child_process';
import { findChromium } from './find-chromium.mjs';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit' }).status === 0;
const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

if (!findChromium()) {
  if (process.getuid?.() === 0 && hasCommand('apt-get')) {
    console.log('No Chromium found: installing Debian\'s chromium package…');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
  }
  if (!findChromium()) {
    console.log('No Chromium found: trying `npx playwright-core install chromium`…');
    run('npx', ['--no-install', 'playwright-core', 'install', 'chromium']);
  }
  if (!findChromium()) {
    console.error(
      'authsocket tests need Chromium: run `npx playwright install chromium` (or `sudo apt-get install chromium`), or set CHROMIUM_PATH to a Chromium binary.',
    );
    process.exit(1);
  }
}
console.log(`Chromium: ${findChromium()}`);
