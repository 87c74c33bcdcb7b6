// authsocket/react under react-dom/server, as built (ESM and CJS): rendering
// touches neither WebSocket, window nor document, calls no token provider and
// does not throw; the hooks give the server values; outside a provider they
// throw an error saying so. Runs after `npm run build` (scripts/test.sh).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { createElement as h, StrictMode, type FunctionComponent } from 'react';
import { renderToString } from 'react-dom/server';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const BROWSER_GLOBALS = ['WebSocket', 'window', 'document'] as const;

/** Every read of a browser global while rendering (Node has none of them; these getters say who asked). */
const touched: string[] = [];
before(() => {
  for (const name of BROWSER_GLOBALS) {
    assert.equal(name in globalThis, false, `${name} is not a Node global`);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(`${name}\n${new Error().stack?.split('\n').slice(2, 5).join('\n')}`);
        return undefined;
      },
    });
  }
});
after(() => {
  for (const name of BROWSER_GLOBALS) delete (globalThis as Record<string, unknown>)[name];
});

const formats = {
  ESM: async () => ({ react: await import(`${root}dist/react.js`), main: await import(`${root}dist/index.js`) }),
  CJS: async () => ({ react: require(`${root}dist/react.cjs`), main: require(`${root}dist/index.cjs`) }),
};

for (const [format, load] of Object.entries(formats)) {
  describe(`authsocket/react on the server (${format})`, () => {
    test('renders under StrictMode: no browser global read, no token asked, the hooks\' server values', async () => {
      const { react, main } = await load();
      let tokenCalls = 0;
      let socket: any;
      const Chat: FunctionComponent = () => {
        socket = react.useAuthSocket();
        const state = react.useSocketState();
        const leader = react.useSocketLeader();
        const last = react.useLastMessage();
        const error = react.useSocketError();
        react.useSocketEvent('message', () => {});
        return h('p', null, `${state} ${leader} ${String(last)} ${String(error)} ${socket.url}`);
      };
      touched.length = 0;
      const html = renderToString(h(StrictMode, null, h(react.AuthSocketProvider, {
        url: '/live',
        options: { shared: true, auth: { via: 'cookie', token: () => `t${++tokenCalls}` } },
      }, h(Chat))));
      assert.deepEqual(touched, [], 'no browser global was read');
      assert.equal(html, '<p>idle false undefined undefined /live</p>');
      assert.equal(tokenCalls, 0);
      // The stand-in refuses to act, with the main entry's error class (one class for both entries).
      assert.throws(() => socket.send({ a: 1 }), (error: unknown) => error instanceof main.AuthSocketError && (error as { code: string }).code === 'CONNECTION_FAILED');
      await assert.rejects(socket.ready(), main.AuthSocketError);
    });

    test('a hook outside any provider throws an error that says so', async () => {
      const { react } = await load();
      for (const hook of ['useAuthSocket', 'useSocketState', 'useSocketEvent', 'useLastMessage', 'useSocketLeader', 'useSocketError']) {
        const Orphan: FunctionComponent = () => {
          react[hook]('message', () => {});
          return null;
        };
        assert.throws(() => renderToString(h(Orphan)), new RegExp(`authsocket/react: ${hook}\\(\\) must be called inside an <AuthSocketProvider>`));
      }
    });
  });
}
