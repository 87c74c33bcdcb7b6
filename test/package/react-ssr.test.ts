// authsocket/react as built: it imports React and the main entry's own file,
// nothing else, and nothing of React is in the other entries. Under
// react-dom/server (ESM and CJS) rendering touches neither WebSocket, window nor
// document, calls no token provider and does not throw; the hooks give the
// server values; outside a provider they throw an error saying so. Runs after
// `npm run build` (scripts/test.sh).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
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

describe('the built authsocket/react entry', () => {
  const read = (file: string) => readFileSync(`${root}dist/${file}`, 'utf8');
  /** What a file imports or requires (TSDoc examples left out). */
  const specifiers = (code: string) => [...code.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/(?:\bfrom\s*|\brequire\()['"]([^'"]+)['"]/g)].map((found) => found[1]).sort();

  test('imports react and the main entry\'s file (one client, one AuthSocketError class), in each format', () => {
    assert.deepEqual(specifiers(read('react.js')), ['./index.js', 'react']);
    assert.deepEqual(specifiers(read('react.cjs')), ['./index.cjs', 'react']);
    assert.deepEqual([...new Set(specifiers(read('react.d.ts')))], ['./index.js', 'react']);
    assert.deepEqual([...new Set(specifiers(read('react.d.cts')))], ['./index.cjs', 'react']);
  });

  test('nothing of React in the main entry, lite or the CDN build', () => {
    const files = [...readdirSync(`${root}dist`).filter((file) => /^(index|lite|authsocket\.min)\.c?js$/.test(file)), ...readdirSync(`${root}dist/chunks`).map((file) => `chunks/${file}`)];
    assert.ok(files.length >= 7, files.join(', '));
    for (const file of files) assert.doesNotMatch(read(file), /['"]react(-dom)?['"/]|useSyncExternalStore/, file);
  });
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
