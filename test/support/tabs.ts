// Several pages of ONE browser context (one profile: shared cookie jar, Web
// Locks and BroadcastChannel), each loading the CDN build and the recorder.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StaticServer } from './static-server.ts';

export async function openTab(context: BrowserContext, statics: StaticServer, host = '127.0.0.1'): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  // See page.ts: tsx's keepNames wraps evaluated functions in `__name`.
  await page.addInitScript('window.__name = (fn) => fn');
  await page.goto(`${statics.origin(host)}/`);
  await page.addScriptTag({ url: '/dist/authsocket.min.js' });
  await page.addScriptTag({ url: '/test/support/page-recorder.js' });
  return page;
}

/** A fresh profile with `count` tabs on `host`. */
export async function openTabs(browser: Browser, statics: StaticServer, count: number, host = '127.0.0.1'): Promise<{ context: BrowserContext; tabs: Page[] }> {
  const context = await browser.newContext();
  const tabs: Page[] = [];
  for (let i = 0; i < count; i++) tabs.push(await openTab(context, statics, host));
  return { context, tabs };
}
