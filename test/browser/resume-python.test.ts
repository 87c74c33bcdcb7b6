// `resume: true` in the browser (the CDN build), against the Python reference
// server written from the wire description alone, through a TCP proxy that can
// cut or freeze the connection. Numbered traffic both ways; the connection is
// cut mid-stream (TCP drop, heartbeat timeout, a 4401 close, reconnect()); every
// number arrives exactly once and in order on both sides, `open` says
// 'resumed'. A restarted server says 'lost' and the client's unacknowledged
// frames arrive again (at least once). A flood never keeps more than queue.max.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { engine, launchBrowser } from '../support/browser.ts';
import { openClientPage } from '../support/page.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { needsPython, startCuttableProxy, startResumeServer, type CuttableProxy, type ResumeServer } from '../interop/resume-python-rig.ts';

const COUNT = 300;
const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

describe(`resume in ${engine.name} against the Python reference server`, needsPython, () => {
  let browser: Browser;
  let statics: StaticServer;
  let server: ResumeServer;
  let proxy: CuttableProxy;
  before(async () => {
    [browser, statics, server] = await Promise.all([launchBrowser(), startStaticServer(), startResumeServer()]);
    proxy = await startCuttableProxy(server.port);
  });
  after(async () => {
    await Promise.all([browser?.close(), statics?.close(), proxy?.close()]);
    await server?.stop();
  });

  /** A page with a resume client `s` through the proxy; `window.run` holds what it saw. */
  async function openPage(options: Record<string, unknown> = {}): Promise<Page> {
    const page = await openClientPage(browser, statics);
    await page.evaluate(({ url, options }) => {
      const w = window as any;
      const run = (w.run = { sessions: [] as string[], stream: [] as number[], report: undefined as number[] | undefined, sent: 0, maxKept: 0, fullAt: 0 });
      const socket = w.track('s', new w.AuthSocket(url, {
        auth: { via: 'subprotocol', token: 'good:alice' },
        resume: true,
        reconnect: { minDelay: 20, maxDelay: 100 },
        ...options,
      }));
      socket.on('open', ({ session }: any) => run.sessions.push(session));
      socket.on('message', (msg: any) => {
        if (msg.type === 's') run.stream.push(msg.n);
        if (msg.type === 'report') run.report = msg.got;
      });
      /** n = 1…count every `every` ms from the page while the server streams `count` numbers. */
      w.traffic = (count: number, every: number) => {
        socket.send({ type: 'stream', count, every });
        const timer = setInterval(() => {
          socket.send({ type: 'n', n: ++run.sent });
          if (run.sent === count) clearInterval(timer);
        }, every);
      };
    }, { url: `ws://127.0.0.1:${proxy.port}/`, options });
    await until(page, () => (window as any).sockets.s.state === 'open');
    return page;
  }

  const until = (page: Page, condition: (arg: any) => boolean, arg?: unknown, timeout = 20_000) =>
    page.waitForFunction(condition, arg, { timeout, polling: 20 });
  const streamReaches = (page: Page, n: number) => until(page, (n: number) => (window as any).run.stream.length >= n, n);

  async function assertExactlyOnce(page: Page): Promise<void> {
    await until(page, (count: number) => (window as any).run.sent === count && (window as any).run.stream.length >= count, COUNT);
    await page.evaluate(() => (window as any).sockets.s.send({ type: 'report' }));
    await until(page, () => (window as any).run.report !== undefined);
    const run = await page.evaluate(() => (window as any).run);
    assert.deepEqual(run.report, range(COUNT), 'the server got every number once, in order');
    assert.deepEqual(run.stream, range(COUNT), 'the page got every number once, in order');
  }

  const interruptions: Array<[string, (page: Page) => unknown]> = [
    ['a TCP drop', () => proxy.cut()],
    ['a 4401 close (expiry)', (page) => page.evaluate(() => (window as any).sockets.s.send({ type: 'close', code: 4401 }))],
    ['reconnect()', (page) => page.evaluate(() => (window as any).sockets.s.reconnect())],
  ];
  for (const [name, interrupt] of interruptions) {
    test(`${name} twice mid-stream: every number exactly once and in order both ways; open says resumed`, async () => {
      const page = await openPage();
      try {
        await page.evaluate((count) => (window as any).traffic(count, 4), COUNT);
        await streamReaches(page, 80);
        await interrupt(page);
        await streamReaches(page, 180);
        await interrupt(page);
        await assertExactlyOnce(page);
        assert.deepEqual(await page.evaluate(() => (window as any).run.sessions), ['new', 'resumed', 'resumed']);
      } finally {
        await page.evaluate(() => (window as any).sockets.s.close());
        await page.close();
      }
    });
  }

  test('a frozen connection: the heartbeat gives it up, the session resumes, nothing lost or repeated', async () => {
    const page = await openPage({ heartbeat: { interval: 100, timeout: 300 } });
    try {
      await page.evaluate((count) => (window as any).traffic(count, 4), COUNT);
      await streamReaches(page, 100);
      proxy.freeze();
      await assertExactlyOnce(page);
      assert.deepEqual(await page.evaluate(() => (window as any).run.sessions), ['new', 'resumed']);
    } finally {
      await page.evaluate(() => (window as any).sockets.s.close());
      await page.close();
    }
  });

  test('a restarted server (sessions in memory): open says lost, the unacknowledged frames arrive again (at least once)', async () => {
    const page = await openPage();
    const got = new Set<number>();
    const record = (lines: string[]) => {
      for (const line of lines) if (line.startsWith('{"got"')) got.add((JSON.parse(line) as { got: number }).got);
    };
    try {
      const first = server.child;
      await page.evaluate((count) => (window as any).traffic(count, 4), COUNT);
      await streamReaches(page, 50);
      await server.restart();
      record(first.lines);
      await until(page, () => (window as any).run.sessions.length === 2);
      await until(page, (count: number) => (window as any).run.sent === count, COUNT);
      await page.evaluate(() => (window as any).sockets.s.send({ type: 'report' }));
      await until(page, () => (window as any).run.report !== undefined);
      const run = await page.evaluate(() => (window as any).run);
      for (const n of run.report) got.add(n);
      assert.deepEqual(run.sessions, ['new', 'lost']);
      assert.deepEqual([...got].sort((a, b) => a - b), range(COUNT), 'every number reached one of the two servers');
    } finally {
      await page.evaluate(() => (window as any).sockets.s.close());
      await page.close();
    }
  });

  test('a flood while the link is frozen: QUEUE_FULL at queue.max, never more kept; all of it arrives once the link is back', async () => {
    const page = await openPage({ queue: { max: 50 }, heartbeat: { interval: 200, timeout: 400 } });
    try {
      proxy.freeze();
      const outcome = await page.evaluate(() => {
        const socket = (window as any).sockets.s;
        let sent = 0;
        try {
          for (; sent < 1000; sent++) socket.send({ type: 'n', n: sent + 1 });
        } catch (error: any) {
          return { sent, code: error.code };
        }
        return { sent, code: undefined };
      });
      assert.deepEqual(outcome, { sent: 50, code: 'QUEUE_FULL' });
      await until(page, () => (window as any).run.sessions.length === 2);
      // The resent 50 are kept until the server acknowledges them: room comes back then.
      await until(page, () => {
        try {
          (window as any).sockets.s.send({ type: 'report' });
          return true;
        } catch {
          return false;
        }
      });
      await until(page, () => (window as any).run.report !== undefined);
      const run = await page.evaluate(() => (window as any).run);
      assert.deepEqual(run.report, range(50));
      assert.deepEqual(run.sessions, ['new', 'resumed']);
    } finally {
      await page.evaluate(() => (window as any).sockets.s.close());
      await page.close();
    }
  });
});
