// URL handling: what the constructor accepts as a socket URL, which hosts count
// as loopback (for INSECURE_TRANSPORT) and cookie domain matching.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthSocketError } from '../../src/errors/AuthSocketError.ts';
import { hostResolver, isLoopbackHost, isWithinDomain, toSocketUrl } from '../../src/utils/url.ts';

const code = (c: string) => (e: unknown) => e instanceof AuthSocketError && e.code === c;

test('toSocketUrl: ws: and wss: are kept as they are', () => {
  assert.equal(toSocketUrl('ws://example.com/a?b=1').href, 'ws://example.com/a?b=1');
  assert.equal(toSocketUrl('wss://example.com:8443/x').href, 'wss://example.com:8443/x');
});

test('toSocketUrl: http: → ws:, https: → wss: (path, port and query kept)', () => {
  assert.equal(toSocketUrl('http://example.com:8080/chat?room=1').href, 'ws://example.com:8080/chat?room=1');
  assert.equal(toSocketUrl('https://example.com/chat').href, 'wss://example.com/chat');
});

test('toSocketUrl: accepts a URL object', () => {
  assert.equal(toSocketUrl(new URL('https://example.com/x')).href, 'wss://example.com/x');
});

test('toSocketUrl: the hash is stripped (a WebSocket URL cannot carry a fragment)', () => {
  const url = toSocketUrl('wss://example.com/path?q=1#section');
  assert.equal(url.hash, '');
  assert.equal(url.href, 'wss://example.com/path?q=1');
});

test('toSocketUrl: a relative path without a page location → INVALID_URL', () => {
  // Node has no `location`: nothing to resolve against.
  assert.equal(typeof (globalThis as { location?: unknown }).location, 'undefined');
  assert.throws(() => toSocketUrl('/socket'), code('INVALID_URL'));
  assert.throws(() => toSocketUrl('socket'), code('INVALID_URL'));
  assert.throws(() => toSocketUrl(''), code('INVALID_URL'));
});

test('toSocketUrl: other schemes → INVALID_URL', () => {
  for (const input of ['ftp://example.com/', 'file:///tmp/x', 'mailto:a@b.c', 'javascript:alert(1)', 'data:text/plain,x']) {
    assert.throws(() => toSocketUrl(input), code('INVALID_URL'), input);
  }
});

test('toSocketUrl: the INVALID_URL error is an AuthSocketError that names the problem', () => {
  try {
    toSocketUrl('ftp://example.com/');
    assert.fail('should throw');
  } catch (error) {
    assert.ok(error instanceof AuthSocketError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'AuthSocketError');
    assert.match(error.message, /ftp:/);
  }
});

test('isLoopbackHost: localhost, 127/8 and ::1 everywhere', () => {
  for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', '[::1]']) {
    assert.equal(isLoopbackHost(host), true, host);
    assert.equal(isLoopbackHost(host, 'browser'), true, host);
    assert.equal(isLoopbackHost(host, 'system'), true, host);
  }
});

test('isLoopbackHost: *.localhost only where a browser resolves it; in Node the system resolver may send it off the machine', () => {
  assert.equal(hostResolver(), 'system', 'this test runs in Node');
  for (const host of ['app.localhost', 'a.b.localhost', 'APP.LOCALHOST']) {
    assert.equal(isLoopbackHost(host), false, `${host} in Node`);
    assert.equal(isLoopbackHost(host, 'system'), false, host);
    assert.equal(isLoopbackHost(host, 'browser'), true, `${host} in a browser`);
  }
});

test('hostResolver: a page without Node, Deno or Bun is a browser', () => {
  const runtime = globalThis as { process?: unknown };
  const saved = runtime.process;
  try {
    runtime.process = undefined;
    assert.equal(hostResolver(), 'browser');
    runtime.process = { versions: {} }; // a bundler's process shim
    assert.equal(hostResolver(), 'browser');
  } finally {
    runtime.process = saved;
  }
  assert.equal(hostResolver(), 'system');
});

test('isLoopbackHost: everything else is not loopback', () => {
  for (const host of ['example.com', 'localhost.example.com', 'notlocalhost', 'localhost.', '128.0.0.1', '10.0.0.1', '0.0.0.0', '::2',
    '127.0.0.1.evil.com', '127.256.0.1', '127.0.0.1a', '']) {
    assert.equal(isLoopbackHost(host), false, host);
    assert.equal(isLoopbackHost(host, 'browser'), false, host);
  }
});

test('isLoopbackHost: agrees with the URL parser on bracketed IPv6 hostnames', () => {
  assert.equal(isLoopbackHost(new URL('ws://[::1]:8080/').hostname), true);
  assert.equal(isLoopbackHost(new URL('ws://127.0.0.1:8080/').hostname), true);
});

test('isWithinDomain: the domain itself and its subdomains', () => {
  assert.equal(isWithinDomain('example.com', 'example.com'), true);
  assert.equal(isWithinDomain('ws.example.com', 'example.com'), true);
  assert.equal(isWithinDomain('a.b.example.com', 'example.com'), true);
  assert.equal(isWithinDomain('WS.Example.COM', 'example.com'), true, 'case-insensitive');
  assert.equal(isWithinDomain('ws.example.com', '.example.com'), true, 'a leading dot is ignored');
});

test('isWithinDomain: look-alikes and parents are outside', () => {
  assert.equal(isWithinDomain('evilexample.com', 'example.com'), false);
  assert.equal(isWithinDomain('example.com.evil.net', 'example.com'), false);
  assert.equal(isWithinDomain('example.com', 'ws.example.com'), false);
  assert.equal(isWithinDomain('other.test', 'example.test'), false);
});
