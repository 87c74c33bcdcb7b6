// The cookie carrier's setup checks against what each engine really does with
// cookies: scope across hosts and domains, and attributes it would drop.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { engine } from '../support/browser.ts';
import { entries, openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { requireToken, tokenOf, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;
useBrowserRig((rig) => ({ browser, statics, server } = rig), requireToken((token) => token === 'cookie-token'));

/** Constructs a socket in the page and returns the error code it threw, or 'ok'. */
async function construct(pageHost: string, url: string, cookie: object, extra: object = {}): Promise<string> {
  const page = await openClientPage(browser, statics, pageHost);
  const outcome = await page.evaluate(({ url, cookie, extra }) => {
    try {
      const socket = new (window as any).AuthSocket(url, { auth: { via: 'cookie', token: 'cookie-token', cookie }, startClosed: true, ...extra });
      socket.close();
      return 'ok';
    } catch (error: any) {
      return error.code ?? String(error);
    }
  }, { url, cookie, extra });
  await page.close();
  return outcome;
}

describe(`cookie carrier scope in ${engine.label}`, () => {
  test('a socket on another host than the page: COOKIE_SCOPE', async () => {
    assert.equal(await construct('127.0.0.1', server.urlFor('localhost'), {}), 'COOKIE_SCOPE');
    assert.equal(await construct('app.example.test', `ws://api.other.test:${server.port}/ws`, { domain: 'example.test' }, { allowInsecure: true }), 'COOKIE_SCOPE');
  });

  test('attributes an engine would drop silently are refused: INVALID_OPTIONS', async () => {
    assert.equal(await construct('localhost', server.urlFor('localhost'), { sameSite: 'None' }), 'INVALID_OPTIONS');
    assert.equal(await construct('app.example.test', `ws://app.example.test:${server.port}/ws`, { secure: true }, { allowInsecure: true }), 'INVALID_OPTIONS');
    // WebKit drops Secure cookies even on http://localhost: refused on every plain-http page, in every engine.
    assert.equal(await construct('localhost', server.urlFor('localhost'), { secure: true }), 'INVALID_OPTIONS', 'Secure on http://localhost');
    assert.equal(await construct('127.0.0.1', server.urlFor('127.0.0.1'), { secure: true }), 'INVALID_OPTIONS', 'Secure on http://127.0.0.1');
  });

  test('a credential over ws:// to a host that is not loopback: INSECURE_TRANSPORT unless allowInsecure', async () => {
    assert.equal(await construct('app.example.test', `ws://app.example.test:${server.port}/ws`, {}), 'INSECURE_TRANSPORT');
  });

  test('cookie.domain shares the cookie with a sibling host: the socket on ws.example.test gets it', async () => {
    const page = await openClientPage(browser, statics, 'app.example.test');
    const before = server.handshakes.length;
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'cookie', token: async () => 'cookie-token', cookie: { domain: 'example.test' } },
        allowInsecure: true, // loopback in truth, but the browser sees a plain-http domain
      })).send({ hi: 1 });
    }, `ws://ws.example.test:${server.port}/ws`);
    await waitForEvents(page, 's', 'message');
    assert.deepEqual((await entries(page, 's', 'message'))[0].payload, { hi: 1 });
    const handshake = server.handshakes[before]!;
    assert.equal(tokenOf(handshake), 'cookie-token');
    assert.equal(handshake.origin, `http://app.example.test:${statics.port}`);
    assert.equal(await page.evaluate(() => document.cookie), '', 'removed once the handshake settled');
    await page.close();
  });

  // WebKit drops Secure cookies on http://localhost and http://127.0.0.1 (Chromium
  // and Firefox keep them): the client must not connect without the credential
  // there (SPEC "Engines"; the decision: INVALID_OPTIONS on any plain-http page).
  for (const host of ['localhost', '127.0.0.1']) {
    test(`auth.cookie.secure on http://${host}: INVALID_OPTIONS, or no upgrade ever goes out without the cookie`, async () => {
      const page = await openClientPage(browser, statics, host);
      const before = server.handshakes.length;
      const outcome = await page.evaluate((url) => {
        const w = window as any;
        try {
          w.track('s', new w.AuthSocket(url, {
            auth: { via: 'cookie', token: 'cookie-token', cookie: { secure: true } },
            reconnect: { minDelay: 10, maxDelay: 20, maxRetries: 2 },
          })).send({ secure: true });
          return 'constructed';
        } catch (error: any) {
          return error.code ?? String(error);
        }
      }, server.urlFor(host));
      if (outcome === 'constructed') {
        // It connects with the cookie, or fails: either is fine, as long as no upgrade lacks the cookie.
        await page.waitForFunction(() => {
          const w = window as any;
          return w.entries('s', 'message').length > 0 || w.entries('s', 'error').length > 0 || w.sockets.s.state === 'closed';
        }, undefined, { timeout: 10_000 });
        await page.evaluate(() => (window as any).sockets.s.close());
      } else {
        assert.equal(outcome, 'INVALID_OPTIONS');
      }
      const handshakes = server.handshakes.slice(before);
      const bare = handshakes.filter((handshake) => tokenOf(handshake) !== 'cookie-token');
      assert.equal(bare.length, 0, `${bare.length} of ${handshakes.length} upgrades went out without the cookie`);
      await page.close();
    });
  }
});
