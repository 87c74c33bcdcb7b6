// The resume scenarios every browser runs against a server with `resume` (the
// CDN build with `resume: true`, through a TCP proxy that can cut or freeze the
// connection). Numbered traffic both ways; the connection is cut mid-stream
// (TCP drop, heartbeat timeout, a 4401 close, reconnect()); every number
// arrives exactly once and in order on both sides, `open` says 'resumed'. A
// restarted server (sessions in memory) says 'lost' and the client's
// unacknowledged frames arrive again (at least once). A flood never keeps more
// than queue.max. The app protocol: examples/recipes/python_resume_server.py.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestOptions } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { openClientPage } from '../support/page.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { startCuttableProxy, type CuttableProxy } from '../interop/resume-python-rig.ts';

const COUNT = 300;
const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

/** A server with `resume` speaking the demo app protocol. */
export interface ResumeBackend {
  /** Starts it; resolves with its port. */
  start(): Promise<number>;
  /** Stops it (its in-memory sessions are gone) and starts it again on the same port; resolves with the numbers it had recorded. */
  restart(): Promise<number[]>;
  stop(): Promise<void>;
  /** A credential it accepts (subprotocol carrier). */
  token: string;
  /** Whether its app closes the connection on `{"type":"close","code":C}` (the Python server's does). */
  closesOnRequest?: boolean;
  /** The same server with credentials that expire 700 ms after each connection (closed 4401); resolves with its port. */
  startExpiring?(): Promise<number>;
}

/** The scenarios, in the engine this process runs (AUTHSOCKET_ENGINE), against `backend`. */
export function resumeSuite(name: string, backend: ResumeBackend, options: TestOptions = {}): void {
  describe(name, options, () => {
    let browser: Browser;
    let statics: StaticServer;
    let proxy: CuttableProxy;
    before(async () => {
      let port: number;
      [browser, statics, port] = await Promise.all([launchBrowser(), startStaticServer(), backend.start()]);
      proxy = await startCuttableProxy(port);
    });
    after(async () => {
      await Promise.all([browser?.close(), statics?.close(), proxy?.close()]);
      await backend.stop();
    });

    /**
     * A page with a resume client `s` (through the proxy unless `port` says otherwise);
     * `window.run` holds what it saw. `expiring`: its credentials say they expire 700 ms
     * after they were fetched (the client refreshes ahead, make-before-break).
     */
    async function openPage(options: Record<string, unknown> = {}, port = proxy.port, expiring = false): Promise<Page> {
      const page = await openClientPage(browser, statics);
      await page.evaluate(({ url, token, options, expiring }) => {
        const w = window as any;
        const run = (w.run = { sessions: [] as string[], stream: [] as number[], report: undefined as number[] | undefined, sent: 0 });
        const socket = w.track('s', new w.AuthSocket(url, {
          auth: { via: 'subprotocol', token: expiring ? async () => ({ token, expiresAt: Date.now() + 700 }) : token },
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
      }, { url: `ws://127.0.0.1:${port}/`, token: backend.token, options, expiring });
      await until(page, () => (window as any).sockets.s.state === 'open');
      return page;
    }

    const until = (page: Page, condition: (arg: any) => boolean, arg?: unknown, timeout = 20_000) =>
      page.waitForFunction(condition, arg, { timeout, polling: 20 });
    const streamReaches = (page: Page, n: number) => until(page, (n: number) => (window as any).run.stream.length >= n, n);

    async function assertExactlyOnce(page: Page): Promise<void> {
      await until(page, (count: number) => (window as any).run.sent === count && (window as any).run.stream.length >= count, COUNT).catch(async (error) => {
        // Where it stopped: the page's counts, its socket's state and the events it saw.
        const seen = await page.evaluate(() => {
          const { run, sockets, logs } = window as any;
          const events = logs.s.map((e: any) => (e.type === 'close' ? `close:${e.payload.code}:${e.payload.reason}` : e.type === 'state' ? `state:${e.payload.to}` : e.type));
          return { sent: run.sent, streamed: run.stream.length, last: run.stream.slice(-3), sessions: run.sessions, state: sockets.s.state, events: events.filter((e: string) => e !== 'message').slice(-40) };
        }).catch(() => 'the page did not answer');
        throw new Error(`${error}\n${JSON.stringify(seen)}`);
      });
      await page.evaluate(() => (window as any).sockets.s.send({ type: 'report' }));
      await until(page, () => (window as any).run.report !== undefined);
      const run = await page.evaluate(() => (window as any).run);
      const missing = range(COUNT).filter((n) => !run.report.includes(n));
      const twice = run.report.filter((n: number, i: number) => run.report.indexOf(n) !== i);
      assert.deepEqual(run.report, range(COUNT), `the server got every number once, in order (missing ${missing.join(',') || 'none'}; twice ${twice.join(',') || 'none'})`);
      assert.deepEqual(run.stream, range(COUNT), 'the page got every number once, in order');
    }

    const interruptions: Array<[string, (page: Page) => unknown]> = [
      ['a TCP drop', () => proxy.cut()],
      ['reconnect()', (page) => page.evaluate(() => (window as any).sockets.s.reconnect())],
    ];
    if (backend.closesOnRequest) {
      interruptions.push(['a 4401 close', (page) => page.evaluate(() => (window as any).sockets.s.send({ type: 'close', code: 4401 }))]);
    }
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

    if (backend.startExpiring) {
      const startExpiring = backend.startExpiring;
      for (const [name, expiring] of [
        ['closed 4401 at expiry, a fresh credential each time', false],
        ['refreshed make-before-break before expiry', true],
      ] as const) {
        test(`credentials expiring every 700 ms mid-stream, ${name}: every number exactly once and in order both ways`, async () => {
          const port = await startExpiring();
          // With expiresAt the client refreshes ahead of expiry (make-before-break); without it, the server's 4401 ends each connection.
          const page = await openPage({}, port, expiring);
          try {
            await page.evaluate((count) => (window as any).traffic(count, 6), COUNT);
            await assertExactlyOnce(page);
            const log = await page.evaluate(() => (window as any).logs.s.map((e: any) => (e.type === 'close' ? `close:${e.payload.code}` : e.type)));
            const sessions: string[] = await page.evaluate(() => (window as any).run.sessions);
            assert.equal(sessions[0], 'new');
            assert.ok(sessions.slice(1).every((status) => status === 'resumed'), sessions.join(' '));
            if (expiring) assert.ok(log.filter((line: string) => line === 'reauthenticated').length >= 2, log.join(' '));
            else assert.ok(log.filter((line: string) => line === 'close:4401').length >= 2, log.join(' '));
          } finally {
            await page.evaluate(() => (window as any).sockets.s.close());
            await page.close();
          }
        });
      }
    }

    test('resume: { persist: true }: a reload of the page mid-stream continues the session; every number once, in order', async () => {
      const page = await openClientPage(browser, statics);
      // What the page saw is kept in sessionStorage too, so that it adds up across the reload.
      const start = () => page.evaluate(({ url, token }) => {
        const w = window as any;
        const load = (key: string, empty: string) => JSON.parse(sessionStorage.getItem(key) ?? empty);
        const save = (key: string, value: unknown) => sessionStorage.setItem(key, JSON.stringify(value));
        const run = (w.run = { sessions: load('t:sessions', '[]'), stream: load('t:stream', '[]'), sent: load('t:sent', '0'), report: undefined as number[] | undefined });
        const socket = w.track('s', new w.AuthSocket(url, { auth: { via: 'subprotocol', token }, resume: { persist: true }, reconnect: { minDelay: 20, maxDelay: 100 } }));
        socket.on('open', ({ session }: any) => {
          run.sessions.push(session);
          save('t:sessions', run.sessions);
        });
        socket.on('message', (msg: any) => {
          if (msg.type === 's') {
            run.stream.push(msg.n);
            save('t:stream', run.stream);
          }
          if (msg.type === 'report') run.report = msg.got;
        });
        w.traffic = (count: number, every: number) => {
          if (run.sent === 0) socket.send({ type: 'stream', count, every });
          // The user's last send comes before the reload starts: what a page sends after that is
          // queued for a connection it will not have (Firefox closes it as the navigation starts).
          let leaving = false;
          addEventListener('beforeunload', () => (leaving = true));
          const timer = setInterval(() => {
            if (run.sent >= count || leaving) return clearInterval(timer);
            socket.send({ type: 'n', n: run.sent + 1 });
            save('t:sent', (run.sent += 1));
          }, every);
        };
      }, { url: `ws://127.0.0.1:${proxy.port}/`, token: backend.token });
      try {
        await start();
        await page.evaluate((count) => (window as any).traffic(count, 4), COUNT);
        await streamReaches(page, 100);
        await page.reload();
        await page.addScriptTag({ url: '/dist/authsocket.min.js' });
        await page.addScriptTag({ url: '/test/support/page-recorder.js' });
        await start();
        assert.ok((await page.evaluate(() => (window as any).run.sent)) < COUNT, 'the reload came mid-stream');
        await page.evaluate((count) => (window as any).traffic(count, 4), COUNT);
        await assertExactlyOnce(page);
        assert.deepEqual(await page.evaluate(() => (window as any).run.sessions), ['new', 'resumed']);
      } finally {
        await page.evaluate(() => (window as any).sockets?.s?.close());
        await page.close();
      }
    });

    test('a frozen connection: the heartbeat gives it up, the session resumes, nothing lost or repeated', async () => {
      const page = await openPage({ heartbeat: { interval: 100, timeout: 300 } });
      try {
        await page.evaluate((count) => (window as any).traffic(count, 4), COUNT);
        await streamReaches(page, 100);
        proxy.freeze();
        await assertExactlyOnce(page);
        // Under load a 300 ms heartbeat may give up a healthy connection too: each comes back resumed.
        const sessions: string[] = await page.evaluate(() => (window as any).run.sessions);
        assert.ok(sessions.length >= 2 && sessions[0] === 'new' && sessions.slice(1).every((status) => status === 'resumed'), sessions.join(' '));
      } finally {
        await page.evaluate(() => (window as any).sockets.s.close());
        await page.close();
      }
    });

    test('a restarted server (sessions in memory): open says lost, the unacknowledged frames arrive again (at least once)', async () => {
      const page = await openPage();
      try {
        await page.evaluate((count) => (window as any).traffic(count, 4), COUNT);
        await streamReaches(page, 50);
        const got = new Set(await backend.restart());
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
}
