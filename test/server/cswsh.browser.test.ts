// Cross-Site WebSocket Hijacking, in each engine. The victim is logged in to the
// app at app.example.test: the browser holds a `ws_token` cookie for
// example.test. WebSockets are not bound by the same-origin policy, so any
// page can try to open the app's socket; the gate must refuse on `Origin`
// alone, with HTTP 403, before `verify` ever runs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { startGate, type TestGate } from '../support/server-gate.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { within } from '../support/server-timeout.ts';

let browser: Browser;
let context: BrowserContext;
let pages: StaticServer;
let g: TestGate<string>;
let socketUrl: string;

before(async () => {
  browser = await launchBrowser();
  pages = await startStaticServer();
  g = await startGate({ origins: [pages.origin('app.example.test')], carriers: ['cookie'] });
  socketUrl = `ws://ws.example.test:${g.port}/`;
  context = await browser.newContext();
  // The victim logs in: the app sets its site-wide cookie.
  const login = await context.newPage();
  await login.goto(`${pages.origin('app.example.test')}/`);
  await login.evaluate(() => { document.cookie = 'ws_token=good; domain=example.test; path=/; SameSite=Lax'; });
  await login.close();
});
after(async () => {
  await context?.close();
  await browser?.close();
  await g?.close();
  await pages?.close();
});

/** Opens `new WebSocket(url)` in a page on `origin` and reports how it ended. */
async function openFrom(origin: string) {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/`);
    return await within(page.evaluate((target) => new Promise<{ opened: boolean; code: number; reason: string; first?: string }>((resolve) => {
      const ws = new WebSocket(target);
      let opened = false;
      let first: string | undefined;
      ws.onopen = () => { opened = true; };
      ws.onmessage = (event) => { first = String(event.data); ws.close(1000); };
      ws.onclose = (event) => resolve({ opened, code: event.code, reason: event.reason, first });
    }), socketUrl), 10_000, `socket from ${origin}`);
  } finally {
    await page.close();
  }
}

test('a page on an evil site is refused with 403 before verify; the page sees only 1006', async () => {
  const evil = pages.origin('evil.other.test');
  const result = await openFrom(evil);
  assert.deepEqual(result, { opened: false, code: 1006, reason: '', first: undefined });
  const refusal = g.refusals.find((r) => r.origin === evil);
  assert.deepEqual([refusal?.status, refusal?.reason], [403, 'origin not allowed']);
  assert.deepEqual(g.verified, []);
});

test('a page on a sibling subdomain gets the victim cookie sent (SameSite does not help) and is still refused', async () => {
  const sibling = pages.origin('uploads.example.test'); // e.g. user content on the same site
  const result = await openFrom(sibling);
  assert.equal(result.code, 1006);
  const refusal = g.refusals.find((r) => r.origin === sibling);
  assert.equal(refusal?.status, 403);
  assert.match(String(refusal?.req.headers.cookie), /ws_token=good/, 'the browser attached the victim cookie');
  assert.deepEqual(g.verified, []);
});

test('the same page on the allowed origin connects with the cookie', async () => {
  const result = await openFrom(pages.origin('app.example.test'));
  assert.equal(result.opened, true);
  assert.deepEqual(JSON.parse(result.first ?? 'null'), { type: 'welcome', user: 'alice' });
  assert.deepEqual(g.verified, ['good']);
});
