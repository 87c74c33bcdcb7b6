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
      // The panel fills in as the handshake report arrives: wait for the request line too.
      await page.locator('.handshake.latest', { hasText: wire }).waitFor({ timeout: 10_000 }).catch(() => {});
      assert.ok((await page.locator('.handshake.latest').innerText()).includes(wire), `${via}: the wire panel shows ${wire}`);
      assert.equal(await page.locator('#state').innerText(), 'open');
    }));
    await chat(pageA, pageB, `hello from A via ${via}`);
    await chat(pageB, pageA, `hi back from B via ${via}`);
    if (via === 'message') {
      // In the order it happened: the 101 first, then the auth frame, then the gate's ack.
      const wire = await pageA.locator('.handshake.latest').innerText();
      const at = (needle: string) => {
        const index = wire.indexOf(needle);
        assert.ok(index >= 0, `the wire shows ${needle}:\n${wire}`);
        return index;
      };
      assert.ok(at('← 101 Switching Protocols') < at('→ first frame:'), `101 before the first frame:\n${wire}`);
      assert.ok(at('→ first frame:') < at('← frame: {"type":"auth_ok"}'), `auth_ok after the first frame:\n${wire}`);
    }
  }
});

test('the event log: text wraps in its own column, never under the timestamp; the wire view wraps at spaces', async () => {
  const overlaps = await pageA.evaluate(() => [...document.querySelectorAll('#log li')].filter((li) => {
    const time = li.querySelector('time')!.getBoundingClientRect();
    const text = li.querySelector('span')!.getBoundingClientRect();
    return text.left < time.right;
  }).length);
  assert.equal(overlaps, 0);
  const style = await pageA.evaluate(() => {
    const pre = getComputedStyle(document.querySelector('.handshake pre')!);
    return { wordBreak: pre.wordBreak, overflowWrap: pre.overflowWrap };
  });
  assert.deepEqual(style, { wordBreak: 'normal', overflowWrap: 'break-word' });
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
  // The ticket endpoint was down too: at most one calm (amber) line that explains it, not one red line per retry.
  for (const [page, from] of [[pageA, fromA], [pageB, fromB]] as const) {
    const errors = await page.evaluate((after) => [...document.querySelectorAll('#log li[data-event=error]')]
      .filter((li) => Number(li.getAttribute('data-seq')) > after)
      .map((li) => ({ text: li.textContent!, tone: li.className })), from);
    assert.ok(errors.length <= 1, `one line at most: ${JSON.stringify(errors)}`);
    for (const error of errors) {
      assert.match(error.text, /ticket endpoint unreachable \(server down or restarting\?\); retrying/);
      assert.equal(error.tone, 'warn');
    }
  }
});

test('"expire token": close 4401, a fresh credential, open again', async () => {
  const from = await mark(pageA);
  await pageA.click('[data-action=expire]');
  const closed = await waitForLog(pageA, from, 'close', '4401 "token expired"');
  const rejected = await waitForLog(pageA, from, 'error', 'AUTH_REJECTED');
  // Handled by the client (a fresh ticket, a new connection): amber, not the red of a failure.
  assert.equal(await pageA.locator(`#log li[data-seq="${rejected}"]`).getAttribute('class'), 'warn');
  assert.match(await pageA.locator(`#log li[data-seq="${rejected}"]`).innerText(), /handled: the client reconnects with a fresh ticket/);
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
  // The in-place frame has a wire entry of its own; the connection's handshake keeps its one first frame.
  await pageA.locator('.handshake.latest', { hasText: 'in-place re-authentication' }).waitFor({ timeout: 10_000 });
  const handshake = await pageA.locator('.handshake:not(.latest)').first().innerText();
  assert.equal(handshake.split('→ first frame').length - 1, 1, handshake);
  const closes = await pageA.evaluate((after) => [...document.querySelectorAll('#log li')]
    .filter((li) => Number(li.getAttribute('data-seq')) > after && li.getAttribute('data-event') === 'close').length, from);
  assert.equal(closes, 0, 'the connection stayed up');
});

test('make-before-break: after the switch, the old connection\'s close 1000 appears in the wire view', async () => {
  let from = await mark(pageA);
  await pageA.selectOption('#refresh', 'reconnect'); // reconnects with refresh 'reconnect'
  await pageA.check('input[name=carrier][value=subprotocol]'); // and again, when the carrier was another
  // The socket both settings made: an earlier one (the first change's) may open in between.
  from = await waitForLog(pageA, from, 'new', "AuthSocket via 'subprotocol', refresh 'reconnect'");
  from = await waitForLog(pageA, from, 'open');
  await pageA.click('#reauth');
  const switched = await waitForLog(pageA, from, 'reauthenticated', 'via reconnect');
  // What the log says is what happens: the old connection stays 1 s, then closes 1000.
  assert.match(await pageA.locator(`#log li[data-seq="${switched}"]`).innerText(), /the old one stays open 1 s for replies in flight, then closes 1000/);
  await pageA.locator('.handshake:not(.latest)', { hasText: '· closed 1000 "reauthenticated"' }).waitFor({ timeout: 10_000 });
  assert.equal(await pageA.locator('#state').innerText(), 'open');
});

test('Disconnect: a close the user chose is not shown as a failure; "online:" does not go stale', async () => {
  const from = await mark(pageA);
  await pageA.click('#disconnect');
  const closed = await waitForLog(pageA, from, 'close', 'you closed it');
  assert.equal(await pageA.locator(`#log li[data-seq="${closed}"]`).getAttribute('class'), 'muted');
  assert.notEqual(await pageA.locator('#state').getAttribute('data-state'), 'closed', 'the badge is not red');
  assert.match(await pageA.locator('#online').innerText(), /not connected/);
  // The other tab's presence list loses this tab.
  const nameA = await pageA.evaluate(() => (document.querySelector('#name') as HTMLInputElement).value);
  await pageB.waitForFunction((name) => !document.querySelector('#online')!.textContent!.includes(name), nameA, { timeout: 10_000 });
});

test('Forbid (4403): unauthorized, in red, and "online:" says not connected', async () => {
  let from = await mark(pageA);
  await pageA.click('#connect');
  from = await waitForLog(pageA, from, 'open');
  await pageA.locator('#online', { hasText: await pageA.evaluate(() => (document.querySelector('#name') as HTMLInputElement).value) }).waitFor({ timeout: 10_000 });
  await pageA.click('[data-action=forbid]');
  const gaveUp = await waitForLog(pageA, from, 'unauthorized', '4403');
  assert.equal(await pageA.locator(`#log li[data-seq="${gaveUp}"]`).getAttribute('class'), 'bad');
  assert.equal(await pageA.locator('#state').getAttribute('data-state'), 'closed');
  assert.match(await pageA.locator('#online').innerText(), /not connected/);
  await pageA.click('#connect'); // leave it connected
  await waitForLog(pageA, gaveUp, 'open');
});

test('no ticket appears anywhere on either page', async () => {
  const fetched = await allTickets();
  assert.ok(fetched.length >= 10, `tickets were fetched (${fetched.length})`);
  for (const page of [pageA, pageB]) {
    const html = await page.content();
    for (const ticket of fetched) assert.ok(!html.includes(ticket), 'a ticket leaked into the page');
  }
});

test('"Token lifetime": a new lifetime applies at once, by a re-authentication, without a reconnect by hand', async () => {
  const from = await mark(pageA);
  await pageA.selectOption('#lifetime', '30000');
  const renewed = await waitForLog(pageA, from, 'reauthenticated', 'via reconnect');
  assert.match(await pageA.locator('#token-status').innerText(), /Newest token expires in (2\d|30)\.\d s/);
  await pageA.selectOption('#lifetime', '0'); // back to no expiry, for the tests after this one
  await waitForLog(pageA, renewed, 'reauthenticated', 'via reconnect');
  const closes = await pageA.evaluate((after) => document.querySelectorAll(`#log li[data-event=close]`).length
    - [...document.querySelectorAll('#log li[data-event=close]')].filter((li) => Number(li.getAttribute('data-seq')) <= after).length, from);
  assert.equal(closes, 0, 'no connection the app uses was closed');
  assert.equal(await pageA.locator('#state').innerText(), 'open');
});

test('"Send malformed JSON": DECODE_FAILED shows its cause, the socket stays; a later Disconnect is not blamed on the server', async () => {
  const from = await mark(pageA);
  await pageA.click('[data-action=malformed]');
  const failed = await waitForLog(pageA, from, 'error', 'DECODE_FAILED');
  assert.match(await pageA.locator(`#log li[data-seq="${failed}"]`).innerText(), /\(cause: SyntaxError: /);
  assert.equal(await pageA.locator('#state').innerText(), 'open');
  await pageA.click('#disconnect');
  await waitForLog(pageA, failed, 'close', 'you closed it');
  await pageA.locator('.handshake.latest', { hasText: '· closed 1000 "user disconnected"' }).waitFor({ timeout: 10_000 });
  assert.doesNotMatch(await pageA.locator('.handshake.latest').innerText(), /demo button/);
  const reconnected = await mark(pageA);
  await pageA.click('#connect');
  await waitForLog(pageA, reconnected, 'open');
});

test('"Go silent": the heartbeat gives the link up, retries at once (said as such), and the wire shows that close', async () => {
  const from = await mark(pageA);
  await pageA.click('[data-action=silent]');
  const closed = await waitForLog(pageA, from, 'close', '4000 "heartbeat timeout"');
  await waitForLog(pageA, closed, 'reconnecting', 'now: an immediate retry after "heartbeat timeout", no backoff');
  await waitForLog(pageA, closed, 'open');
  // The handshake that went silent (the newer one is the retry's) shows the client's close.
  await pageA.locator('.handshake:not(.latest)', { hasText: '· closed 4000 "heartbeat timeout"' }).waitFor({ timeout: 10_000 });
  assert.match(await pageA.locator('.handshake:not(.latest)').first().innerText(), /the server went silent[^]*· closed 4000 "heartbeat timeout"/);
});

test('"share across tabs": three tabs of one profile, one connection on the wire; the leader\'s tab closes and another takes over', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript('window.__name = (fn) => fn');
  const open = async () => {
    const page = await context.newPage();
    await page.goto(url);
    return page;
  };
  const first = await open();
  await first.check('#shared'); // remembered: the next tabs start shared
  await waitForLog(first, 0, 'open');
  const others = [await open(), await open()];
  for (const page of others) await waitForLog(page, 0, 'open', 'relayed: another tab holds the connection');
  for (const page of [first, ...others]) await page.locator('.handshake').first().waitFor({ timeout: 10_000 });
  assert.equal(await others[1]!.locator('.handshake').count(), 1, 'one connection for three tabs');
  assert.equal(await others[0]!.locator('#state').innerText(), 'open · via the leading tab');

  const from = await Promise.all(others.map(mark));
  await first.close();
  await Promise.all(others.map(async (page, index) => {
    const closed = await waitForLog(page, from[index]!, 'close', 'leader gone');
    await waitForLog(page, closed, 'open');
  }));
  const states = (await Promise.all(others.map((page) => page.locator('#state').innerText()))).sort();
  assert.deepEqual(states, ['open', 'open · via the leading tab']);
  await others[0]!.locator('.handshake').nth(1).waitFor({ timeout: 10_000 });
  await chat(others[0]!, others[1]!, 'shared hello');
  // Each tab's message under its own name, whichever tab holds the connection.
  for (const [index, page] of others.entries()) {
    const name = await page.evaluate(() => (document.querySelector('#name') as HTMLInputElement).value);
    await chat(page, others[1 - index]!, `from ${name}`);
    await others[1 - index]!.locator('#chat li', { hasText: `${name}: from ${name}` }).waitFor({ timeout: 10_000 });
  }
  await context.close();
});
