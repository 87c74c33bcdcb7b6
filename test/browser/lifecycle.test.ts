// Nothing left behind: after close() no timers, no page listeners, no attempts;
// open() after close() works; 1,000 connect/close cycles keep the heap flat.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { engine, unless } from '../support/browser.ts';
import { openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { echo, messageAuth, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig), echo);

describe(`lifecycle in ${engine.label}`, () => {
  test('close() leaves no timer and no page listener behind; open() afterwards reconnects', async () => {
    server.handle = messageAuth(() => true);
    const page = await openClientPage(browser, statics);
    const leftovers = await page.evaluate(async (url) => {
      const w = window as any;
      // Count live timers and window/document listeners created from here on.
      const timers = new Set<unknown>();
      // Page code: the DOM's timer functions, which return numbers.
      const [st, ct, si, ci] = [w.setTimeout, w.clearTimeout, w.setInterval, w.clearInterval];
      w.setTimeout = (fn: () => void, ms?: number, ...rest: unknown[]) => {
        const id: unknown = st(() => { timers.delete(id); fn(); }, ms, ...rest);
        timers.add(id);
        return id;
      };
      w.clearTimeout = (id: unknown) => { timers.delete(id); ct(id); };
      w.setInterval = (fn: () => void, ms?: number) => { const id: unknown = si(fn, ms); timers.add(id); return id; };
      w.clearInterval = (id: unknown) => { timers.delete(id); ci(id); };
      let listeners = 0;
      for (const target of [window, document]) {
        const add = target.addEventListener.bind(target);
        const remove = target.removeEventListener.bind(target);
        target.addEventListener = (type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions) => {
          listeners += 1;
          add(type, listener, options);
        };
        target.removeEventListener = (type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions) => {
          listeners -= 1;
          remove(type, listener, options);
        };
      }
      const socket = w.track('s', new w.AuthSocket(url, {
        auth: { via: 'message', token: async () => 'tok', refresh: 'in-place' },
        heartbeat: { interval: 1000, timeout: 500 },
      }));
      await socket.ready();
      const whileOpen = { timers: timers.size, listeners };
      socket.close();
      await new Promise((resolve) => st(resolve, 50));
      const afterClose = { timers: timers.size, listeners };
      socket.open();
      return { whileOpen, afterClose };
    }, server.url);
    assert.ok(leftovers.whileOpen.timers > 0 && leftovers.whileOpen.listeners > 0, JSON.stringify(leftovers));
    assert.deepEqual(leftovers.afterClose, { timers: 0, listeners: 0 });
    await waitForEvents(page, 's', 'open', 2);
    await page.evaluate(() => (window as any).sockets.s.close());
    await page.close();
  });

  test('1,000 connect/close cycles leave the JS heap flat', unless(engine.can.cdp, 'heap usage and forced GC need the DevTools protocol'), async () => {
    server.handle = echo;
    const page = await openClientPage(browser, statics);
    const cdp = await page.context().newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      return usedSize;
    };
    const cycles = (count: number) => page.evaluate(async ({ url, count }) => {
      const w = window as any;
      for (let i = 0; i < count; i++) {
        const socket = new w.AuthSocket(url, { auth: { via: 'query', token: async () => `t${i}` } });
        await socket.ready();
        socket.close();
      }
    }, { url: server.url, count });
    await cycles(10);
    const after10 = await heap();
    await cycles(1000);
    const after1000 = await heap();
    const growth = after1000 - after10;
    // Generous bound: a leak of even 1 KB per cycle would show as 1 MB.
    assert.ok(growth < 1_000_000, `heap grew by ${growth} bytes over 1,000 cycles (${after10} B after 10, ${after1000} B after 1,010)`);
    await page.close();
  });
});
