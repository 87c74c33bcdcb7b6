// No credential in socket.url, event payloads, error messages or debug lines —
// through connect, 4401, reconnect and close, for every browser carrier.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { openClientPage, waitForEvents } from '../support/page.ts';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { type Handler, messageAuth, requireToken, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig));

/** Refuses the first connection with 4401, accepts the rest. */
function refuseFirst(accept: Handler): Handler {
  let seen = 0;
  return (connection, srv) => {
    if (++seen === 1) return connection.ws.close(4401, 'expired');
    accept(connection, srv);
  };
}

describe('credential redaction', () => {
  for (const via of ['subprotocol', 'query', 'cookie', 'message'] as const) {
    test(`${via}: the credential never shows in anything observable`, async () => {
      const secret = `SeCrEt-${via}-tok/+en=`;
      server.handle = refuseFirst(via === 'message' ? messageAuth(() => true) : requireToken(() => true));
      const host = via === 'cookie' ? 'localhost' : '127.0.0.1';
      const page = await openClientPage(browser, statics, host);
      await page.evaluate(({ url, via, secret }) => {
        const w = window as any;
        w.debugLines = [];
        const socket = w.track('s', new w.AuthSocket(url, {
          auth: { via, token: async () => secret },
          reconnect: { minDelay: 10, maxDelay: 20 },
          debug: (line: string) => w.debugLines.push(line),
        }));
        socket.send({ hello: 1 });
      }, { url: server.urlFor(host), via, secret });
      // The first attempt is refused with 4401: other carriers opened first, the message carrier did not.
      const opens = via === 'message' ? 1 : 2;
      await waitForEvents(page, 's', 'open', opens);
      await page.evaluate(() => (window as any).sockets.s.reconnect());
      await waitForEvents(page, 's', 'open', opens + 1);
      const observed = await page.evaluate(() => {
        const w = window as any;
        w.sockets.s.close(4000, 'bye');
        return JSON.stringify({ url: w.sockets.s.url, log: w.logs.s, debug: w.debugLines, cookies: document.cookie });
      });
      for (const form of [secret, encodeBase64Url(secret), encodeURIComponent(secret)]) {
        assert.ok(!observed.includes(form), `found ${form} in ${observed}`);
      }
      assert.match(observed, /AUTH_REJECTED/, 'the 4401 was observed');
      assert.match(observed, /\[authsocket\] attempt 3/, 'debug lines were produced');
      await page.close();
    });
  }
});
