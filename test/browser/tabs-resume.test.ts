// `shared` with `resume`: the tab group carries the session across a change of
// leader. Three tabs of one profile against the gate with `resume` (sessions in
// memory); the leader's tab closes mid-stream, or its instance calls close().
// Every number crosses exactly once and in order both ways: each follower's
// sends at the server, the server's stream and echoes in every tab left.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { memoryAppState, serveSession } from '../server/resume-app.ts';
import { startResumeGate, type ResumeGate } from '../server/resume-wire.ts';
import { BYE } from '../../src/tabs/relay.ts';
import { engine, launchBrowser } from '../support/browser.ts';
import { until as serverUntil } from '../support/server-socket.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { openTabs } from '../support/tabs.ts';

const COUNT = 200;
const range = (count: number, from = 0) => Array.from({ length: count }, (_, i) => i + from);

let browser: Browser;
let statics: StaticServer;
let gate: ResumeGate;

before(async () => {
  const state = memoryAppState();
  [browser, statics, gate] = await Promise.all([
    launchBrowser(),
    startStaticServer(),
    // Every tab's credential is alice's: one user, so the session may move between tabs.
    startResumeGate({ origins: () => true, verify: (token) => (token.startsWith('tab-') ? 'alice' : null) }, 0, (socket, { session, moved }) => serveSession(socket, session, state, !!moved)),
  ]);
});
after(async () => {
  await Promise.all([browser?.close(), statics?.close(), gate?.close()]);
});

/**
 * A shared resume socket `s` in `tab` (credentials `tab-<name>-<n>`); `window.run`
 * holds what it saw: the `open` sessions, the stream, each follower's echoed numbers.
 */
async function share(tab: Page, name: string): Promise<void> {
  await tab.evaluate(({ name, url }) => {
    const w = window as any;
    w.calls = 0;
    const run = (w.run = { sessions: [] as string[], stream: [] as number[], echoes: { b: [], c: [] } as Record<string, number[]>, sent: 0 });
    const socket = w.track('s', new w.AuthSocket(url, {
      shared: true,
      resume: true,
      reconnect: { minDelay: 50, maxDelay: 200 },
      auth: { via: 'subprotocol', token: async () => `tab-${name}-${++w.calls}` },
    }));
    socket.on('open', ({ session }: any) => run.sessions.push(session));
    socket.on('message', (msg: any) => {
      if (msg.type === 's') run.stream.push(msg.n);
      if (msg.type === 'm') run.echoes[msg.from]!.push(msg.n);
    });
    /** Sends {type:'m', from, n} for n = 0…count-1, one every 5 ms (left running in the page). */
    w.traffic = (from: string, count: number) => {
      const timer = setInterval(() => {
        socket.send({ type: 'm', from, n: run.sent++ });
        if (run.sent === count) clearInterval(timer);
      }, 5);
    };
  }, { name, url: gate.url });
}

const until = (tab: Page, condition: (arg: any) => boolean, arg?: unknown, timeout = 15_000) => tab.waitForFunction(condition, arg, { timeout, polling: 20 });
const run = (tab: Page) => tab.evaluate(() => (window as any).run);
const isLeader = (tab: Page) => tab.evaluate(() => (window as any).sockets.s.leader as boolean);

/** Three tabs sharing `s`: `a` leads, `b` and `c` follow; all open. */
async function groupOfThree() {
  const before = gate.sessions.size;
  const { context, tabs } = await openTabs(browser, statics, 3);
  await share(tabs[0]!, 'a');
  await until(tabs[0]!, () => (window as any).sockets.s.state === 'open');
  await share(tabs[1]!, 'b');
  await share(tabs[2]!, 'c');
  for (const tab of tabs) await until(tab, () => (window as any).sockets.s.state === 'open');
  assert.deepEqual(await Promise.all(tabs.map(isLeader)), [true, false, false]);
  assert.equal(gate.sessions.size - before, 1, 'one session for the group');
  const [id, app] = [...gate.sessions][before]!;
  return { context, tabs, id, app, sessions: () => gate.sessions.size - before };
}

/** The numbers `from` sent that the gate's app got, in arrival order. */
const gotFrom = (messages: string[], from: string) => messages.map((text) => JSON.parse(text)).filter((msg) => msg.type === 'm' && msg.from === from).map((msg) => msg.n);

/** Both followers' numbers once each, in order, at the app; every number of the stream and of the echoes once, in order, in each tab. */
async function assertExactlyOnce(tabs: Page[], messages: string[]): Promise<void> {
  for (const tab of tabs) {
    await until(tab, (count) => {
      const { stream, echoes } = (window as any).run;
      return stream.length >= count && echoes.b.length >= count && echoes.c.length >= count;
    }, COUNT, 20_000);
  }
  for (const from of ['b', 'c']) {
    const got = gotFrom(messages, from);
    const missing = range(COUNT).filter((n) => !got.includes(n));
    const twice = got.filter((n, i) => got.indexOf(n) !== i);
    assert.deepEqual(got, range(COUNT), `${from}'s numbers once, in order, at the server (missing ${missing.join(',') || 'none'}; twice ${twice.join(',') || 'none'})`);
  }
  for (const tab of tabs) {
    const { stream, echoes } = await run(tab);
    assert.deepEqual(stream, range(COUNT, 1), 'the stream once, in order, in each tab');
    assert.deepEqual(echoes.b, range(COUNT), "b's echoes once, in order, in each tab");
    assert.deepEqual(echoes.c, range(COUNT), "c's echoes once, in order, in each tab");
  }
}

describe(`shared with resume in ${engine.name}: the session outlives its leader`, () => {
  test("followers' tabs closed by the user (no close()): the leader's close() ends the session at once, handing it to nobody", async () => {
    const { context, tabs, app } = await groupOfThree();
    // A listener on the group's channel in the leader's page, made after the socket's own:
    // a channel delivers to a page's listeners in the order they were made, so once this
    // one has both goodbyes, the leader has them too (the browser may deliver them late).
    await tabs[0]!.evaluate(({ name, bye }) => {
      const w = window as any;
      w.goodbyes = 0;
      new BroadcastChannel(name).onmessage = ({ data }) => data?.k === bye && w.goodbyes++;
    }, { name: `authsocket::${gate.url}`, bye: BYE });
    await tabs[1]!.close();
    await tabs[2]!.close();
    await until(tabs[0]!, () => (window as any).goodbyes === 2, undefined, 5_000);
    await tabs[0]!.evaluate(() => (window as any).sockets.s.close());
    await serverUntil(() => app.events.some((event) => event.startsWith('close')), 3_000, `the session ends (${app.events.join(', ')})`);
    assert.deepEqual(app.events, ['connection', 'close 1000 ']);
    await context.close();
  });

  for (const [how, leave] of [
    ["the leader's tab closes", (tab: Page) => tab.close()],
    ["the leader's close()", (tab: Page) => tab.evaluate(() => (window as any).sockets.s.close())],
  ] as const) {
    test(`${how} mid-stream: a follower continues the session (resumed); every number exactly once and in order both ways`, async () => {
      const { context, tabs, app, sessions } = await groupOfThree();
      const followers = tabs.slice(1);
      // The server streams 1…COUNT to the session; both followers send COUNT numbers, one every 5 ms.
      await tabs[0]!.evaluate((count) => (window as any).sockets.s.send({ type: 'stream', count, every: 5 }), COUNT);
      await Promise.all(followers.map((tab, index) => tab.evaluate(({ from, count }) => (window as any).traffic(from, count), { from: 'bc'[index]!, count: COUNT })));
      await until(followers[0]!, () => (window as any).run.stream.length > 40 && (window as any).run.echoes.b.length > 20);
      await leave(tabs[0]!);

      await assertExactlyOnce(followers, app.messages);
      const leaders = await Promise.all(followers.map(isLeader));
      assert.deepEqual([...leaders].sort(), [false, true]);
      const leader = followers[leaders.indexOf(true)]!;
      assert.equal(await leader.evaluate(() => (window as any).calls), 1, 'the new leader fetched its own credential');
      for (const tab of followers) assert.deepEqual((await run(tab)).sessions, ['new', 'resumed'], 'open says resumed after the change of leader');
      assert.equal(sessions(), 1, 'still the one session');
      assert.deepEqual(app.events.filter((event) => event !== 'suspended' && event !== 'resumed'), ['connection'], `the session socket stayed (${app.events.join(', ')})`);

      // The last instances close: the session ends at the gate (its socket closes once).
      const other = followers[leaders.indexOf(false)]!;
      await other.evaluate(() => (window as any).sockets.s.close());
      await leader.evaluate(() => (window as any).sockets.s.close());
      await serverUntil(() => app.events.some((event) => event.startsWith('close')), 5_000, 'the session ends');
      assert.deepEqual(app.events.filter((event) => event.startsWith('close')), ['close 1000 ']);
      await context.close();
    });
  }
});
