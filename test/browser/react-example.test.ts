// examples/react, as `npm run example:react` builds and serves it, in each
// engine: the page authenticates and chats; a second tab shares the connection.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
// @ts-expect-error: plain JS module without types
import { buildExample } from '../../examples/react/build.mjs';

let example: { url: string; close(): Promise<void> };
let browser: Browser;

before(async () => {
  await buildExample();
  // @ts-expect-error: plain JS module without types
  const { startExampleServer } = await import('../../examples/react/server.mjs');
  [example, browser] = await Promise.all([startExampleServer({ port: 0 }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await example?.close();
});

const status = (page: Page, text: string) => page.locator('#status', { hasText: text }).waitFor({ timeout: 15_000 });

test('examples/react: connects under StrictMode, chats, and a second tab goes through the first one\'s connection', async () => {
  const context = await browser.newContext();
  const first = await context.newPage();
  first.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await first.goto(example.url);
  await status(first, 'open · connected in this tab · 1 online');
  await first.fill('#text', 'hello from react');
  // The button is enabled by the same state change as the status line; under WebKitWebDriver a
  // click could still land on it disabled (the form never submitted), so wait for it.
  await first.waitForFunction(() => !document.querySelector<HTMLButtonElement>('form button')!.disabled, undefined, { timeout: 10_000 });
  await first.click('form button');
  // The guest whose ticket opened the connection, read from the line once it is there (polled:
  // one read right after the wait came back empty once under WebKitWebDriver).
  const guest = await (await first.waitForFunction(() => {
    const texts = [...document.querySelectorAll('#lines li')].map((li) => li.textContent ?? '');
    return texts.map((text) => /^(guest-\d+): hello from react$/.exec(text)?.[1]).find(Boolean) ?? null;
  }, undefined, { timeout: 10_000 })).jsonValue();
  assert.ok(guest, 'a line from a guest');

  const second = await context.newPage();
  await second.goto(example.url);
  await status(second, 'open · through another tab');
  await second.fill('#text', 'hi from tab 2');
  await second.click('form button');
  // One connection (the first tab's guest) carries both tabs' lines; nobody else came online.
  for (const page of [first, second]) await page.locator('#lines li', { hasText: `${guest}: hi from tab 2` }).waitFor({ timeout: 10_000 });
  assert.match(await first.locator('#status').innerText(), /1 online/);
  await context.close();
});
