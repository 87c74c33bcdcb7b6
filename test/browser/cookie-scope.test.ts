// The cookie carrier's setup checks against what Chromium really does with
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

  test('attributes Chromium would drop silently are refused: INVALID_OPTIONS', async () => {
    assert.equal(await construct('localhost', server.urlFor('localhost'), { sameSite: 'None' }), 'INVALID_OPTIONS');
    assert.equal(await construct('app.example.test', `ws://app.example.test:${server.port}/ws`, { secure: true }, { allowInsecure: true }), 'INVALID_OPTIONS');
    assert.equal(await construct('localhost', server.urlFor('localhost'), { secure: true }), 'ok', 'Secure works on http://localhost');
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

  test('Secure cookie on http://localhost reaches the socket', async () => {
    const page = await openClientPage(browser, statics, 'localhost');
    await page.evaluate((url) => {
      (window as any).track('s', new (window as any).AuthSocket(url, {
        auth: { via: 'cookie', token: 'cookie-token', cookie: { secure: true, sameSite: 'None', name: 'ws_token' } },
      })).send({ secure: true });
    }, server.urlFor('localhost'));
    await waitForEvents(page, 's', 'message');
    assert.deepEqual((await entries(page, 's', 'message'))[0].payload, { secure: true });
    await page.close();
  });
});
