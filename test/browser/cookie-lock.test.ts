// The cookie carrier across tabs: two pages of one profile (one cookie jar)
// connecting at the same instant, round after round. Each upgrade must carry
// its own page's credential: the Web Lock serialises the cookie write → removal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { useBrowserRig } from '../support/rig.ts';
import type { StaticServer } from '../support/static-server.ts';
import { openTabs } from '../support/tabs.ts';
import { tokenOf, type TestServer } from '../support/ws-server.ts';

let browser: Browser;
let statics: StaticServer;
let server: TestServer;

useBrowserRig((rig) => ({ browser, statics, server } = rig));

const ROUNDS = 15;

test('two tabs connecting at the same instant: every upgrade carries its own tab\'s cookie; the jar is clean after', async () => {
  const { context, tabs } = await openTabs(browser, statics, 2, 'localhost');
  const before = server.handshakes.length;
  for (let round = 0; round < ROUNDS; round++) {
    const startAt = Date.now() + 150;
    await Promise.all(tabs.map((tab, index) => tab.evaluate(({ url, name, startAt }) => new Promise<string>((resolve) => {
      setTimeout(() => {
        const socket = new (window as any).AuthSocket(url, {
          reconnect: false,
          auth: { via: 'cookie', token: async () => `${name}.${Math.random().toString(36).slice(2)}` },
        });
        socket.on('state', ({ to }: { to: string }) => {
          if (to === 'open') socket.close();
          if (to === 'closed') resolve(to);
        });
      }, Math.max(0, startAt - Date.now()));
    }), { url: `${server.urlFor('localhost')}?tab=${'AB'[index]}${round}`, name: `${'AB'[index]}${round}`, startAt })));
  }
  const handshakes = server.handshakes.slice(before);
  assert.equal(handshakes.length, 2 * ROUNDS);
  const wrong = handshakes.filter((handshake) => {
    const tab = new URL(handshake.url, 'http://x').searchParams.get('tab');
    return tokenOf(handshake)?.split('.')[0] !== tab;
  });
  const seen = wrong.map((handshake) => `${new URL(handshake.url, 'http://x').searchParams.get('tab')} carried ${tokenOf(handshake)?.split('.')[0] ?? 'none'}`);
  assert.equal(wrong.length, 0, `${wrong.length} of ${handshakes.length} upgrades carried another tab's cookie (or none): ${seen.join(', ')}`);
  // The page removes the cookie when the handshake settles; the browser's jar (read here
  // through the driver) may take a moment to show it, so the check waits up to 2 s.
  const left = async () => (await context.cookies()).filter((cookie) => cookie.name === 'ws_token').length;
  for (const deadline = Date.now() + 2_000; (await left()) > 0 && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await left(), 0, 'no ws_token left in the jar');
  await context.close();
});
