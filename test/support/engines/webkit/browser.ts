// WebKit (WebKitGTK's MiniBrowser) behind the Playwright Browser/BrowserContext
// API the tests use. A context is one WebDriver session, hence one
// WebKitWebDriver process and its own profile (windows of a session share
// cookies); browser.newPage() opens a page in a fresh context, as Playwright
// does. All of it runs on one private Xvfb display, and reaches the test hosts
// through a mapping proxy (WebKit has no resolver rules).
import { Builder } from 'selenium-webdriver';
import { startHostProxy, type HostProxy } from './host-proxy.ts';
import { offlineScript, type PageOwner, Session, toScript, WebKitPage } from './page.ts';
import { type Display, startDisplay, startDriver } from './processes.ts';

interface Cookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
}

export class WebKitContext implements PageOwner {
  #session: Promise<Session> | undefined;
  #pages: WebKitPage[] = [];
  #spare: string[] = [];
  #scripts: string[] = [];
  #closed = false;
  offline = false;
  constructor(readonly owner: WebKitBrowser, readonly implicit: boolean) {}

  browser(): WebKitBrowser {
    return this.owner;
  }

  pages(): WebKitPage[] {
    return [...this.#pages];
  }

  initScripts(): string[] {
    return this.#scripts;
  }

  async newPage(): Promise<WebKitPage> {
    if (this.#closed) throw new Error('browserContext.newPage: Target page, context or browser has been closed');
    const first = !this.#session;
    const session = await (this.#session ??= this.owner.openSession());
    const handle = this.#spare.pop() ?? (first ? await session.run(undefined, (driver) => driver.getWindowHandle()) : await session.openWindow());
    const page = new WebKitPage(session, handle, this);
    this.#pages.push(page);
    return page;
  }

  /** Called by page.close(): the last window of a session is kept (blank) for the next page, or the session ends. */
  async release(page: WebKitPage): Promise<void> {
    this.#pages = this.#pages.filter((p) => p !== page);
    const session = await this.#session!;
    if (this.#pages.length > 0) return session.closeWindow(page.handle).catch(() => {});
    if (this.implicit) return this.close();
    await session.run(page.handle, (driver) => driver.get('about:blank')).catch(() => {});
    this.#spare.push(page.handle);
  }

  async addInitScript(script: string | ((arg: any) => unknown) | { content?: string }, arg?: unknown): Promise<void> {
    this.#scripts.push(toScript(script, arg));
  }

  /** Cookies of the documents open in this context (WebDriver sees a document's cookies only). */
  async cookies(urls?: string | string[]): Promise<Cookie[]> {
    const list = urls === undefined ? undefined : (Array.isArray(urls) ? urls : [urls]).map((u) => new URL(u));
    const found = new Map<string, Cookie>();
    const session = await this.#session;
    for (const page of this.#pages) {
      if (!session || !/^https?:/.test(page.url())) continue;
      const cookies = await session.run(page.handle, (driver) => driver.manage().getCookies());
      for (const c of cookies) {
        const cookie: Cookie = {
          name: c.name,
          value: c.value,
          domain: c.domain ?? new URL(page.url()).hostname,
          path: c.path ?? '/',
          expires: typeof c.expiry === 'number' ? c.expiry : c.expiry instanceof Date ? c.expiry.getTime() / 1000 : -1,
          httpOnly: !!c.httpOnly,
          secure: !!c.secure,
          sameSite: (c.sameSite as Cookie['sameSite']) ?? 'Lax',
        };
        const host = cookie.domain.replace(/^\./, '');
        if (list && !list.some((u) => u.hostname === host || u.hostname.endsWith(`.${host}`))) continue;
        found.set(`${cookie.name}\n${cookie.domain}\n${cookie.path}`, cookie);
      }
    }
    return [...found.values()];
  }

  async clearCookies(): Promise<void> {
    const session = await this.#session;
    for (const page of this.#pages) {
      if (session && /^https?:/.test(page.url())) await session.run(page.handle, (driver) => driver.manage().deleteAllCookies());
    }
  }

  /** No network emulation in WebKit: flips navigator.onLine and fires offline/online; sockets stay up. */
  async setOffline(offline: boolean): Promise<void> {
    this.offline = offline;
    for (const page of this.#pages) if (/^https?:/.test(page.url())) await page.evaluate(offlineScript(offline));
  }

  async newCDPSession(): Promise<never> {
    throw new Error('browserContext.newCDPSession: CDP session is only available in Chromium');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const page of this.#pages.splice(0)) page.detach();
    this.owner.forget(this);
    const session = await this.#session?.catch(() => undefined);
    await session?.stop();
  }
}

export class WebKitBrowser {
  #contexts = new Set<WebKitContext>();
  #version = '';
  constructor(readonly display: Display, readonly proxy: HostProxy) {}

  #spare: Promise<Session> | undefined;
  #closed = false;

  /** A session for a new context: the one warmed up in the background, and another one warms up. */
  async openSession(): Promise<Session> {
    const session = this.#spare ?? this.#startSession();
    this.#spare = undefined;
    const ready = await session;
    if (!this.#closed) {
      this.#spare = this.#startSession();
      this.#spare.catch(() => {}); // reported when taken
    }
    return ready;
  }

  async #startSession(): Promise<Session> {
    const processes = await startDriver(this.display);
    try {
      const driver = await new Builder()
        .usingServer(processes.url)
        .withCapabilities({
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { args: ['--automation'] },
          proxy: { proxyType: 'manual', httpProxy: `127.0.0.1:${this.proxy.port}` },
        })
        .build();
      await driver.manage().setTimeouts({ script: 120_000, pageLoad: 30_000 });
      this.#version = String((await driver.getCapabilities()).get('browserVersion') ?? '');
      const stop = async () => {
        await driver.quit().catch(() => {});
        processes.close();
      };
      return new Session(driver, this.#version, stop);
    } catch (error) {
      processes.close();
      throw error;
    }
  }

  /** Known once a first session ran (Playwright's is synchronous). */
  version(): string {
    return this.#version;
  }

  browserType(): { name(): string } {
    return { name: () => 'webkit' };
  }

  isConnected(): boolean {
    return true;
  }

  on(): this {
    return this;
  }

  contexts(): WebKitContext[] {
    return [...this.#contexts];
  }

  forget(context: WebKitContext): void {
    this.#contexts.delete(context);
  }

  async newContext(_options?: unknown): Promise<WebKitContext> {
    const context = new WebKitContext(this, false);
    this.#contexts.add(context);
    return context;
  }

  async newPage(): Promise<WebKitPage> {
    const context = new WebKitContext(this, true);
    this.#contexts.add(context);
    return context.newPage();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const spare = this.#spare;
    this.#spare = undefined;
    await Promise.all([...[...this.#contexts].map((context) => context.close()), spare?.then((session) => session.stop(), () => {})]);
    await this.proxy.close();
    this.display.close();
  }
}

export async function launchWebKit(): Promise<any> {
  const [display, proxy] = await Promise.all([startDisplay(), startHostProxy()]);
  return new WebKitBrowser(display, proxy);
}
