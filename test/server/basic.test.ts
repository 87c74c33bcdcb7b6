// The deprecated, opt-in `basic` carrier: `ws://user:token@host`. Every engine
// sends the URL's credentials to a host only after a 401 with `WWW-Authenticate: Basic`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { VerifyContext } from '../../src/server/index.ts';
import { engine, launchBrowser } from '../support/browser.ts';
import { attempt, rawExchange, startGate, upgradeRequest, type TestGate } from '../support/server-gate.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { within } from '../support/server-timeout.ts';

let g: TestGate<string>;
const contexts: VerifyContext[] = [];
before(async () => {
  g = await startGate({
    carriers: ['basic'],
    verify: async (token, _req, context) => {
      contexts.push(context);
      return token === 'good' ? `${context.username}` : null;
    },
  });
});
after(() => g.close());

test('no credentials → HTTP 401 with a Basic challenge, verify not called', async () => {
  const { response } = await rawExchange(g.port, upgradeRequest('/'));
  assert.match(response, /^HTTP\/1\.1 401 /);
  assert.match(response, /\r\nWWW-Authenticate: Basic realm="authsocket", charset="UTF-8"\r\n/);
  assert.deepEqual(g.verified, []);
});

test('user:token from the URL (Node ws) → verify gets the password as token and the user name', async () => {
  const r = await attempt(`ws://alice:good@127.0.0.1:${g.port}/`, { closeAfter: 1 });
  assert.deepEqual(r.messages, [{ type: 'welcome', user: 'alice' }]);
  assert.deepEqual(contexts.at(-1), { carrier: 'basic', username: 'alice' });
});

test('a wrong password → accepted, then 4401', async () => {
  const r = await attempt(`ws://alice:bad@127.0.0.1:${g.port}/`);
  assert.deepEqual([r.opened, r.code], [true, 4401]);
});

test('malformed Basic credentials → 4401, verify not called', async () => {
  const before = g.verified.length;
  for (const value of ['Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, 'Basic ']) {
    const { response } = await rawExchange(g.port, upgradeRequest('/', [`Authorization: ${value}`]), 1_000);
    assert.match(response, /^HTTP\/1\.1 (101|401) /, value);
    if (response.startsWith('HTTP/1.1 101')) {
      const frame = Buffer.from(response.slice(response.indexOf('\r\n\r\n') + 4), 'latin1');
      assert.equal(frame.readUInt16BE(2), 4401, value);
    }
  }
  assert.equal(g.verified.length, before);
});

test(`${engine.label}: ws://user:token@host gets the challenge, retries with the credentials, and connects`, async () => {
  let browser: Browser | undefined;
  let pages: StaticServer | undefined;
  try {
    browser = await launchBrowser();
    pages = await startStaticServer();
    const origin = pages.origin('app.example.test');
    const gate = await startGate({ carriers: ['basic'], origins: [origin] });
    try {
      const page = await browser.newPage();
      await page.goto(`${origin}/`);
      const first = await within(page.evaluate((url) => new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.onmessage = (event) => { resolve(String(event.data)); ws.close(1000); };
        ws.onclose = (event) => reject(new Error(`closed ${event.code}`));
      }), `ws://alice:good@ws.example.test:${gate.port}/`), 10_000, `basic in ${engine.label}`);
      assert.deepEqual(JSON.parse(first), { type: 'welcome', user: 'alice' });
      assert.deepEqual(gate.refusals.map((r) => r.status), [401]);
      assert.deepEqual(gate.verified, ['good']);
    } finally {
      await gate.close();
    }
  } finally {
    await browser?.close();
    await pages?.close();
  }
});
