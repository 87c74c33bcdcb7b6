// Screenshots of the demo in each state the issue list names, for a person to
// look at (not a test: nothing is asserted). Headless Chromium, the demo server
// in-process, one PNG per state into the directory given (default
// .artifacts/demo-states/, which git ignores):
//   node --import tsx test/demo/screenshots.ts [out-dir]
// Needs dist/ (npm run build).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = process.argv[2] ?? join(root, '.artifacts/demo-states');
mkdirSync(out, { recursive: true });

// @ts-expect-error: plain JS module without types
const { startDemoServer } = await import('../../demo/server.mjs');
const demo = await startDemoServer({ port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--disable-gpu'] });

/** Waits (bounded) for a log entry of `event` containing `text`. */
async function logged(page: Page, event: string, text = '', timeout = 20_000): Promise<void> {
  await page.locator(`#log li[data-event="${event}"]`, { hasText: text }).last().waitFor({ timeout });
}
async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(1_700); // the wire view reloads up to 1.6 s after an event
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`wrote ${join(out, `${name}.png`)}`);
}
async function tab(context: Browser | BrowserContext = browser): Promise<Page> {
  const ctx = 'newContext' in context ? await context.newContext({ viewport: { width: 1400, height: 900 } }) : context;
  const page = await ctx.newPage();
  await page.goto(demo.url);
  await logged(page, 'open');
  return page;
}

try {
  const a = await tab();
  const b = await tab();
  await a.fill('#chat-input', 'hello from A');
  await a.click('#chat-form button[type=submit]');
  await b.locator('#chat li', { hasText: 'hello from A' }).waitFor();
  await shot(a, '01-connected');

  await a.click('[data-action=expire]');
  await logged(a, 'open', 'attempt');
  await shot(a, '02-expire-token');

  await a.click('#clear-log');
  await a.selectOption('#lifetime', '10000');
  await logged(a, 'reauthenticated');
  // The proactive refresh before the 10 s end, and then the old connection's end.
  await a.waitForFunction(() => document.querySelectorAll('#log li[data-event="reauthenticated"]').length >= 2, undefined, { timeout: 20_000 });
  await a.waitForTimeout(2_000);
  await shot(a, '03-lifetime-10s-refresh');
  await a.selectOption('#lifetime', '0');

  await a.click('#clear-log');
  await a.click('[data-action=malformed]');
  await logged(a, 'error', 'DECODE_FAILED');
  await a.click('#disconnect');
  await logged(a, 'close', 'you closed it');
  await shot(a, '04-malformed-then-disconnect');

  await a.click('#clear-log');
  await a.click('#connect');
  await logged(a, 'open');
  await a.click('[data-action=silent]');
  await logged(a, 'reconnecting', 'immediate retry');
  await logged(a, 'open');
  await shot(a, '05-go-silent');

  await a.click('#clear-log');
  await a.selectOption('#refresh', 'in-place');
  await logged(a, 'open');
  await a.click('#reauth');
  await logged(a, 'reauthenticated', 'in-place');
  await shot(a, '06-in-place-refresh');

  await a.click('#clear-log');
  await a.click('[data-action=restart]');
  await logged(a, 'open', '', 30_000);
  await shot(a, '07-restart');

  const shared = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const first = await tab(shared);
  await first.check('#shared');
  await logged(first, 'open');
  const second = await tab(shared);
  await logged(second, 'open', 'relayed');
  for (const page of [first, second]) {
    const name = await page.inputValue('#name');
    await page.fill('#chat-input', `I am ${name}`);
    await page.click('#chat-form button[type=submit]');
  }
  await first.locator('#chat li').nth(1).waitFor();
  await shot(second, '08-shared-follower');
  await shot(first, '09-shared-leader');
} finally {
  await browser.close();
  await demo.close();
}
