// A WebKit page (a window of its own) driven over WebDriver, with the part of Playwright's Page API the
// tests use: goto, evaluate, waitForFunction, addScriptTag, addInitScript (run
// right after each navigation: WebKit has no init scripts), on('console' |
// 'pageerror') (recorded in the page from the first navigation on, or from the
// page's first script where its HTML starts with the engine's console recorder;
// delivered with each evaluate and, while anyone listens to 'console', polled), locators
// for the demo's forms, screenshot, close.
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import type { WebDriver } from 'selenium-webdriver';
import { decodeValue, DRAIN, encodeArg, HOOKS, type Outcome, POLL, RUN } from './evaluate.ts';

/** One WebDriver session: commands run one at a time, each in its window. */
export class Session {
  #queue: Promise<unknown> = Promise.resolve();
  #current: string | undefined;
  constructor(readonly driver: WebDriver, readonly version: string, readonly stop: () => Promise<void>) {}

  run<T>(handle: string | undefined, op: (driver: WebDriver) => Promise<T>): Promise<T> {
    const next = this.#queue.then(async () => {
      if (handle && this.#current !== handle) {
        await this.driver.switchTo().window(handle);
        this.#current = handle;
      }
      return op(this.driver);
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  /**
   * A new page; returns its handle. A window, not a tab: MiniBrowser's background tabs are
   * `visibilityState === 'hidden'` (switching to one does not bring it to the front), and
   * WebKit throttles a hidden page's timers to about one tick a second. A window of its own
   * stays visible, as every Playwright page does.
   */
  openWindow(): Promise<string> {
    return this.run(undefined, async (driver) => {
      await driver.switchTo().newWindow('window');
      this.#current = await driver.getWindowHandle();
      return this.#current;
    });
  }

  closeWindow(handle: string): Promise<void> {
    return this.run(handle, async (driver) => {
      await driver.close();
      this.#current = undefined;
    });
  }
}

/** What a page needs from its context. */
export interface PageOwner {
  initScripts(): string[];
  offline: boolean;
  release(page: WebKitPage): Promise<void>;
}

type PageFunction = string | ((arg: any) => unknown);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A sleep that never keeps the test process alive (a page nobody closed must not hang a run). */
const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
const SLICE_MS = 250;
/** How often a page with 'console' listeners collects what its recorder has. */
const CONSOLE_POLL_MS = 50;

export const offlineScript = (offline: boolean) => `(() => {
  Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => ${!offline} });
  window.dispatchEvent(new Event('${offline ? 'offline' : 'online'}'));
})()`;

export class WebKitPage extends EventEmitter {
  readonly #initScripts: string[] = [];
  #closed = false;
  #url = 'about:blank';
  #polling = false;
  constructor(readonly session: Session, readonly handle: string, readonly owner: PageOwner & { [key: string]: any }) {
    super();
    this.on('newListener', (event) => event === 'console' && this.#pollConsole());
  }

  /** A console line arrives without an evaluate to carry it (a test awaiting a page's own output). */
  async #pollConsole(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      while (!this.#closed) {
        await idle(CONSOLE_POLL_MS);
        if (this.#closed || this.listenerCount('console') === 0) break;
        if (!/^https?:/.test(this.#url)) continue;
        // A failed poll (the window closing, a navigation under way) is retried or ends with the page.
        const outcome = await this.session.run(this.handle, (driver) => driver.executeScript(DRAIN) as Promise<Outcome>).catch(() => null);
        if (!this.#closed) this.#dispatch(outcome);
      }
    } finally {
      this.#polling = false;
    }
  }

  context(): any {
    return this.owner;
  }

  url(): string {
    return this.#url;
  }

  isClosed(): boolean {
    return this.#closed;
  }

  goto(url: string): Promise<null> {
    return this.#navigate((driver) => driver.get(url));
  }

  reload(): Promise<null> {
    return this.#navigate((driver) => driver.navigate().refresh());
  }

  goBack(): Promise<null> {
    return this.#navigate((driver) => driver.navigate().back());
  }

  goForward(): Promise<null> {
    return this.#navigate((driver) => driver.navigate().forward());
  }

  async #navigate(action: (driver: WebDriver) => Promise<unknown>): Promise<null> {
    await this.session.run(this.handle, action);
    await this.#afterNavigation();
    return null;
  }

  async #afterNavigation(): Promise<void> {
    this.#url = await this.session.run(this.handle, (driver) => driver.getCurrentUrl());
    if (this.#url === 'about:blank') return;
    await this.evaluate(HOOKS);
    if (this.owner.offline) await this.evaluate(offlineScript(true));
    for (const script of [...this.owner.initScripts(), ...this.#initScripts]) await this.evaluate(script);
  }

  async addInitScript(script: PageFunction | { content?: string }, arg?: unknown): Promise<void> {
    this.#initScripts.push(toScript(script, arg));
  }


  async evaluate<R = any>(fn: PageFunction, arg?: unknown): Promise<R> {
    const isFunction = typeof fn === 'function';
    const source = isFunction ? fn.toString() : fn;
    let outcome = await this.session.run(this.handle, (driver) =>
      driver.executeScript(RUN, source, isFunction, encodeArg(arg), SLICE_MS) as Promise<Outcome>);
    this.#dispatch(outcome);
    while (outcome.parked !== undefined && outcome.error === undefined) {
      await sleep(15);
      const id = outcome.parked;
      outcome = await this.session.run(this.handle, (driver) => driver.executeScript(POLL, id) as Promise<Outcome>);
      this.#dispatch(outcome);
      if (outcome.parked === undefined && outcome.value === undefined && outcome.error === undefined) break;
    }
    if (outcome.error !== undefined) throw new Error(`page.evaluate: ${outcome.error}`);
    return decodeValue(outcome.value) as R;
  }

  #dispatch(outcome: Outcome | null): void {
    for (const event of outcome?.events ?? []) {
      if (event.kind === 'console') {
        const args = (event.args ?? []).map((value) => ({ jsonValue: async () => value }));
        this.emit('console', { text: () => event.text ?? '', type: () => event.type ?? 'log', args: () => args });
      } else this.emit('pageerror', new Error(event.message));
    }
  }

  async waitForFunction<R = any>(fn: PageFunction, arg?: unknown, options: { timeout?: number; polling?: number } = {}): Promise<{ jsonValue(): Promise<R>; dispose(): Promise<void> }> {
    const timeout = options.timeout ?? 30_000;
    const deadline = timeout > 0 ? Date.now() + timeout : Infinity;
    const every = typeof options.polling === 'number' ? options.polling : 25;
    // Truthiness is judged in the page (a function or a DOM node is truthy but does not cross as JSON).
    const source = typeof fn === 'function' ? fn.toString() : `() => (${fn}\n)`;
    const predicate = `async (arg) => {
      const v = await (${source}\n)(arg);
      let value = typeof v === 'function' ? null : v;
      try { JSON.stringify(value); } catch { value = null; }
      return { ok: !!v, value };
    }`;
    for (;;) {
      const { ok, value } = await this.evaluate<{ ok: boolean; value: unknown }>(predicate, arg);
      if (ok) return { jsonValue: async () => value as R, dispose: async () => {} };
      if (Date.now() >= deadline) {
        const error = new Error(`page.waitForFunction: Timeout ${timeout}ms exceeded.`);
        error.name = 'TimeoutError';
        throw error;
      }
      await sleep(every);
    }
  }

  waitForTimeout(ms: number): Promise<void> {
    return sleep(ms).then(() => {});
  }

  async addScriptTag(options: { url?: string; content?: string; type?: string }): Promise<void> {
    await this.evaluate(`async (o) => {
      const script = document.createElement('script');
      if (o.type) script.type = o.type;
      if (o.url) {
        script.src = o.url;
        await new Promise((resolve, reject) => {
          script.onload = resolve;
          script.onerror = () => reject(new Error('failed to load script ' + o.url));
          document.head.appendChild(script);
        });
      } else {
        script.textContent = o.content || '';
        document.head.appendChild(script);
      }
    }`, options);
  }

  content(): Promise<string> {
    return this.evaluate(`(document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '') + document.documentElement.outerHTML`);
  }

  title(): Promise<string> {
    return this.session.run(this.handle, (driver) => driver.getTitle());
  }

  async screenshot(options: { path?: string } = {}): Promise<Buffer> {
    const image = Buffer.from(await this.session.run(this.handle, (driver) => driver.takeScreenshot()), 'base64');
    if (options.path) await writeFile(options.path, image);
    return image;
  }

  async setViewportSize(size: { width: number; height: number }): Promise<void> {
    await this.session.run(this.handle, (driver) => driver.manage().window().setRect(size));
  }

  async bringToFront(): Promise<void> {
    await this.session.run(this.handle, async () => {});
  }

  locator(selector: string, options: { hasText?: string } = {}): Locator {
    return new Locator(this, selector, options.hasText, 0);
  }

  fill(selector: string, value: string): Promise<void> {
    return this.locator(selector).fill(value);
  }

  click(selector: string): Promise<void> {
    return this.locator(selector).click();
  }

  check(selector: string): Promise<void> {
    return this.locator(selector).check();
  }

  selectOption(selector: string, value: string): Promise<string[]> {
    return this.locator(selector).selectOption(value);
  }

  textContent(selector: string): Promise<string | null> {
    return this.locator(selector).textContent();
  }

  innerText(selector: string): Promise<string> {
    return this.locator(selector).innerText();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.owner.release(this);
    this.emit('close', this);
  }

  /** Its context closed (the session ended with it). */
  detach(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close', this);
  }
}

export function toScript(script: PageFunction | { content?: string }, arg?: unknown): string {
  if (typeof script === 'function') return `(${script.toString()})(${JSON.stringify(arg ?? null)})`;
  if (typeof script === 'string') return script;
  return script.content ?? '';
}

/** Finds the locator's element in the page: Playwright's hasText is a case-insensitive substring of the normalised text. */
const FIND = `(sel, text, index) => {
  const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim().toLowerCase();
  const all = [...document.querySelectorAll(sel)].filter((el) => !text || norm(el.textContent).includes(norm(text)));
  return index < 0 ? all : all[index];
}`;

/** A lazy element query with auto-waiting actions, like Playwright's Locator (first match, no strictness). */
export class Locator {
  constructor(readonly page: WebKitPage, readonly selector: string, readonly hasText: string | undefined, readonly index: number) {}

  first(): Locator {
    return new Locator(this.page, this.selector, this.hasText, 0);
  }

  nth(index: number): Locator {
    return new Locator(this.page, this.selector, this.hasText, index);
  }

  #call<R>(body: string, extra?: unknown, timeout = 30_000): Promise<R> {
    return this.waitFor({ timeout }).then(() =>
      this.page.evaluate(`([sel, text, index, extra]) => { const el = (${FIND})(sel, text, index); ${body} }`, [this.selector, this.hasText, this.index, extra]));
  }

  async waitFor(options: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number } = {}): Promise<void> {
    const state = options.state ?? 'visible';
    await this.page.waitForFunction(`([sel, text, index, state]) => {
      const el = (${FIND})(sel, text, index);
      const visible = !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      return state === 'attached' ? !!el : state === 'detached' ? !el : state === 'hidden' ? !visible : visible;
    }`, [this.selector, this.hasText, this.index, state], { timeout: options.timeout ?? 30_000 }).catch((error) => {
      throw new Error(`locator('${this.selector}'${this.hasText ? `, { hasText: ${JSON.stringify(this.hasText)} }` : ''}).waitFor(${state}): ${error.message}`);
    });
  }

  count(): Promise<number> {
    return this.page.evaluate(`([sel, text]) => (${FIND})(sel, text, -1).length`, [this.selector, this.hasText]);
  }

  isVisible(): Promise<boolean> {
    return this.page.evaluate(`([sel, text, index]) => { const el = (${FIND})(sel, text, index); return !!el && el.getClientRects().length > 0; }`, [this.selector, this.hasText, this.index]);
  }

  innerText(): Promise<string> {
    return this.#call('return el.innerText;', undefined);
  }

  textContent(): Promise<string | null> {
    return this.#call('return el.textContent;', undefined);
  }

  getAttribute(name: string): Promise<string | null> {
    return this.#call('return el.getAttribute(extra);', name);
  }

  click(): Promise<void> {
    return this.#call('el.scrollIntoView({ block: "center" }); el.click();');
  }

  check(): Promise<void> {
    return this.#call('if (!el.checked) el.click();');
  }

  fill(value: string): Promise<void> {
    return this.#call(`el.focus();
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set;
      setter.call(el, extra);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));`, value);
  }

  selectOption(value: string): Promise<string[]> {
    return this.#call(`el.value = extra;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return [el.value];`, value);
  }
}
