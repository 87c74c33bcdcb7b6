// The cookie carrier's credential never stays in the browser's jar (issue 10
// row 3), proven with Chromium's own jar (`context.cookies()`): a
// make-before-break connection refused before open, close() while the next
// connection's token provider runs, and the page navigating away mid-handshake.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { echo, tokenOf, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;
useBrowserRig((rig) => ({ browser, statics, server } = rig), echo);

/** The credential cookies in the page's jar (name `ws_token`). */
const jarTokens = async (page: Page) => (await page.context().cookies()).filter((cookie) => cookie.name === 'ws_token');

/** A bounded pause for negative assertions (nothing may happen meanwhile); never used to synchronise. */
const quietFor = (page: Page, ms: number) => page.evaluate((ms) => new Promise((resolve) => setTimeout(resolve, ms)), ms);

/** Installs, in the page, a token provider whose calls wait for `window.releaseToken(token)`. */
async function installHeldProvider(page: Page, immediateFirst?: string): Promise<void> {
  await page.evaluate((first) => {
    const w = window as any;
    w.providerCalls = 0;
    w.held = [];
    w.releaseToken = (token: string) => w.held.shift()(token);
    w.heldToken = () => {
      w.providerCalls += 1;
      if (first && w.providerCalls === 1) return first;
      return new Promise((resolve) => w.held.push(resolve));
    };
  }, immediateFirst);
}

describe('the credential cookie is gone from the jar on every path', () => {
  test('a make-before-break connection refused before open (HTTP 401 on the upgrade)', async () => {
    const page = await openClientPage(browser, statics, 'localhost');
    await page.evaluate((url) => {
      const w = window as any;
      w.ticketCount = 0;
      w.track('s', new w.AuthSocket(url, { auth: { via: 'cookie', token: () => `ticket-${++w.ticketCount}` } })).send({ hi: 1 });
    }, server.urlFor('localhost'));
    await waitForEvents(page, 's', 'message');
    assert.deepEqual(await jarTokens(page), []);
    const before = server.handshakes.length;
    server.refuseWith = 401;
    try {
      const outcome = await page.evaluate(() => (window as any).sockets.s.reauthenticate().then(() => 'ok', (error: any) => error.code));
      assert.notEqual(outcome, 'ok');
      assert.equal(tokenOf(server.handshakes[before]!), 'ticket-2', 'the refused upgrade did carry the new ticket');
      assert.deepEqual(await jarTokens(page), [], 'the unspent ticket must not ride along on later requests');
      assert.equal(await page.evaluate(() => (window as any).sockets.s.state), 'open', 'the current connection stays up');
    } finally {
      server.refuseWith = undefined;
    }
    await page.close();
  });

  test('close() while the first connection\'s token provider runs: never written', async () => {
    const page = await openClientPage(browser, statics, 'localhost');
    await installHeldProvider(page);
    const before = server.handshakes.length;
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, { auth: { via: 'cookie', token: (window as any).heldToken } }));
    }, server.urlFor('localhost'));
    await page.waitForFunction(() => (window as any).held.length === 1, undefined, { timeout: 5000 });
    await page.evaluate(() => {
      (window as any).sockets.s.close();
      (window as any).releaseToken('late-ticket');
    });
    await quietFor(page, 100);
    assert.deepEqual(await jarTokens(page), []);
    assert.equal(await page.evaluate(() => document.cookie), '');
    assert.equal(server.handshakes.length, before, 'nothing connected after close()');
    await page.close();
  });

  test("close() while a make-before-break connection's token provider runs: never written", async () => {
    const page = await openClientPage(browser, statics, 'localhost');
    await installHeldProvider(page, 'first-ticket');
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, { auth: { via: 'cookie', token: (window as any).heldToken } })).send({ hi: 1 });
    }, server.urlFor('localhost'));
    await waitForEvents(page, 's', 'message');
    const before = server.handshakes.length;
    await page.evaluate(() => {
      (window as any).reauth = (window as any).sockets.s.reauthenticate().catch(() => {});
    });
    await page.waitForFunction(() => (window as any).held.length === 1, undefined, { timeout: 5000 });
    await page.evaluate(() => {
      (window as any).sockets.s.close();
      (window as any).releaseToken('late-ticket');
      return (window as any).reauth;
    });
    await quietFor(page, 100);
    assert.deepEqual(await jarTokens(page), []);
    assert.equal(server.handshakes.length, before);
    await page.close();
  });

  describe('the page navigating away mid-handshake', () => {
    // A server that accepts TCP and never answers the upgrade: the handshake stays pending.
    const held: Socket[] = [];
    let silent: Server;
    after(() => {
      for (const socket of held) socket.destroy();
      silent?.close();
    });

    test('pagehide removes the cookie before the page goes', async () => {
      silent = createServer((socket) => held.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      const page = await openClientPage(browser, statics, 'localhost');
      await page.evaluate((url) => {
        (window as any).track('s', new (window as any).AuthSocket(url, { auth: { via: 'cookie', token: async () => 'pending-ticket' } }));
      }, `ws://localhost:${port}/ws`);
      await waitForEvents(page, 's', 'connecting');
      const deadline = Date.now() + 5000;
      while (held.length === 0 && Date.now() < deadline) await quietFor(page, 20);
      assert.ok(held.length > 0, 'the handshake reached the silent server');
      assert.deepEqual((await jarTokens(page)).map((cookie) => cookie.value), ['pending-ticket'], 'mid-handshake: the cookie is in the jar');
      await page.goto(`${statics.origin('localhost')}/?navigated`);
      assert.deepEqual(await jarTokens(page), [], 'gone once the page navigated away');
      await page.close();
    });
  });

  test('and the ordinary path: removed once the handshake settled', async () => {
    const page = await openClientPage(browser, statics, 'localhost');
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, { auth: { via: 'cookie', token: async () => 'ok-ticket' } })).send({ hi: 2 });
    }, server.urlFor('localhost'));
    await waitForEvents(page, 's', 'message');
    assert.deepEqual((await entries(page, 's', 'message'))[0].payload, { hi: 2 });
    assert.deepEqual(await jarTokens(page), []);
    await page.close();
  });
});
