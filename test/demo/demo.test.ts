// The demo, as a newcomer runs it: `node demo/start.mjs`, open the printed URL
// in two tabs, chat over every carrier, restart the server, expire the token,
// and see the client recover in the page's event log. Saves .artifacts/demo.png (demo-firefox.png, demo-webkit.png).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { engine, launchBrowser } from '../support/browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const carriers = [
  { via: 'subprotocol', wire: 'Sec-WebSocket-Protocol: demo.chat.v1, base64url.bearer.‹redacted›' },
  { via: 'query', wire: 'access_token=‹redacted›' },
  { via: 'cookie', wire: 'Cookie: ws_token=‹redacted›' },
  { via: 'message', wire: '→ first frame: {"type":"auth","token":"‹redacted›"}' },
] as const;

let demo: ChildProcess;
let output = '';
let url: string;
let browser: Browser;
let pageA: Page;
let pageB: Page;
const tickets: string[] = [];

before(async () => {
  // `npm test` has just built dist/: reuse it rather than rebuild under other tests' feet.
  demo = spawn(process.execPath, ['demo/start.mjs'], {
    cwd: root,
    env: { ...process.env, PORT: '0', DEMO_SKIP_BUILD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no URL within 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const found = /open (http:\/\/localhost:\d+\/)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    demo.stdout!.on('data', read);
    demo.stderr!.on('data', read);
    demo.once('exit', (code) => reject(new Error(`the demo exited with ${code}:\n${output}`)));
  });
  browser = await launchBrowser();
  // Two browser contexts: two tabs that do not share a cookie jar (see the cookie carrier's notes).
  pageA = await openTab(browser, url);
  pageB = await openTab(browser, url);
});

after(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (demo.exitCode === null) demo.kill('SIGKILL');
  }
});

async function openTab(browser: Browser, address: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript('window.__name = (fn) => fn'); // tsx's keepNames helper
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  if (engine.can.network) {
    page.on('response', async (response) => {
      if (!response.url().endsWith('/api/ticket') || !response.ok()) return;
      const body = await response.json().catch(() => undefined);
      if (body?.token) tickets.push(body.token);
    });
  } else {
    // No network events (WebKit): the page's fetch records the tickets instead,
    // from right after the page loaded on (an init script runs late there).
    await page.addInitScript(RECORD_TICKETS);
  }
  await page.goto(address);
  return page;
}

const RECORD_TICKETS = `(() => {
  window.seenTickets = [];
  const original = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await original(...args);
    if (String(args[0]).endsWith('/api/ticket') && response.ok) {
      response.clone().json().then((body) => body && body.token && window.seenTickets.push(body.token), () => {});
    }
    return response;
  };
})()`;

/** Every ticket the pages fetched (by network events, or the in-page record). */
async function allTickets(): Promise<string[]> {
  if (engine.can.network) return tickets;
  const recorded = await Promise.all([pageA, pageB].map((page) => page.evaluate(() => (window as any).seenTickets as string[])));
  return recorded.flat();
}

/** The sequence number of the newest log entry. */
const mark = (page: Page) => page.evaluate(() => Number(document.querySelector('#log li:last-child')?.getAttribute('data-seq') ?? 0));

/** Waits (bounded) for a log entry of `event` containing `text`, newer than `from`; returns its sequence number. */
async function waitForLog(page: Page, from: number, event: string, text = '', timeout = 20_000): Promise<number> {
  const handle = await page.waitForFunction(
    ([after, type, needle]) => {
      const item = [...document.querySelectorAll('#log li')].find((li) =>
        Number(li.getAttribute('data-seq')) > (after as number) && li.getAttribute('data-event') === type && li.textContent!.includes(needle as string));
      return item ? Number(item.getAttribute('data-seq')) : false;
    },
    [from, event, text] as const,
    { timeout },
  ).catch(async (error) => {
    throw new Error(`no '${event}' entry containing ${JSON.stringify(text)} after #${from}:\n${await page.locator('#log').innerText()}\n${error}`);
  });
  return (await handle.jsonValue()) as number;
}

async function chat(from: Page, to: Page, text: string): Promise<void> {
  await from.fill('#chat-input', text);
  await from.click('#chat-form button[type=submit]');
  await to.locator('#chat li', { hasText: text }).waitFor({ timeout: 10_000 });
}

test('each carrier: both tabs authenticate, the wire shows the redacted credential, chat crosses between tabs', async () => {
  for (const { via, wire } of carriers) {
    await Promise.all([pageA, pageB].map(async (page) => {
      const from = await mark(page);
      if (via !== 'subprotocol') await page.check(`input[name=carrier][value=${via}]`); // subprotocol is the default
      await waitForLog(page, via === 'subprotocol' ? 0 : from, 'open');
      await page.locator('.handshake.latest', { hasText: `carrier: ${via}` }).waitFor({ timeout: 10_000 });
      assert.ok((await page.locator('.handshake.latest').innerText()).includes(wire), `${via}: the wire panel shows ${wire}`);
      assert.equal(await page.locator('#state').innerText(), 'open');
    }));
    await chat(pageA, pageB, `hello from A via ${via}`);
    await chat(pageB, pageA, `hi back from B via ${via}`);
  }
});

test('"restart server": both tabs lose the socket, retry with backoff and come back', async () => {
  const fromA = await mark(pageA);
  const fromB = await mark(pageB);
  await pageA.click('[data-action=restart]');
  const closedA = await waitForLog(pageA, fromA, 'close', 'will reconnect');
  await waitForLog(pageA, closedA, 'reconnecting', 'ms');
  await waitForLog(pageA, closedA, 'open');
  await waitForLog(pageB, fromB, 'open');
  await chat(pageB, pageA, 'back after the restart');
});

test('"expire token": close 4401, a fresh credential, open again', async () => {
  const from = await mark(pageA);
  await pageA.click('[data-action=expire]');
  const closed = await waitForLog(pageA, from, 'close', '4401 "token expired"');
  await waitForLog(pageA, from, 'error', 'AUTH_REJECTED');
  await waitForLog(pageA, closed, 'token', 'fetched a single-use ticket');
  await waitForLog(pageA, closed, 'open');
  await chat(pageA, pageB, 'still here after 4401');

  mkdirSync(`${root}/.artifacts`, { recursive: true });
  await pageA.screenshot({ path: `${root}/.artifacts/${engine.name === 'chromium' ? 'demo' : `demo-${engine.name}`}.png` });
});

test('"Re-authenticate now" in place (message carrier): the gate acknowledges a new auth frame on the same connection', async () => {
  let from = await mark(pageA);
  await pageA.selectOption('#refresh', 'in-place'); // reconnects with refresh 'in-place'
  from = await waitForLog(pageA, from, 'open');
  await pageA.click('#reauth');
  await waitForLog(pageA, from, 'reauthenticated', 'via in-place');
  await chat(pageA, pageB, 'still here after an in-place refresh');
  const closes = await pageA.evaluate((after) => [...document.querySelectorAll('#log li')]
    .filter((li) => Number(li.getAttribute('data-seq')) > after && li.getAttribute('data-event') === 'close').length, from);
  assert.equal(closes, 0, 'the connection stayed up');
});

test('no ticket appears anywhere on either page', async () => {
  const fetched = await allTickets();
  assert.ok(fetched.length >= 10, `tickets were fetched (${fetched.length})`);
  for (const page of [pageA, pageB]) {
    const html = await page.content();
    for (const ticket of fetched) assert.ok(!html.includes(ticket), 'a ticket leaked into the page');
  }
});
