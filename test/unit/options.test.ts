// Option checks run by the constructor: defaults and INVALID_OPTIONS for bad
// values, and INSECURE_TRANSPORT for credentials over clear-text ws://.
import { checkHeartbeat } from '../../src/core/heartbeat.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkAuthSource,
  checkMaxFailures,
  checkProtocols,
  checkQueueMax,
  checkTransportSecurity,
  resolveReconnect,
} from '../../src/core/options.ts';
import { AuthSocketError } from '../../src/errors/AuthSocketError.ts';

const code = (c: string) => (e: unknown) => e instanceof AuthSocketError && e.code === c;
const invalid = code('INVALID_OPTIONS');

const DEFAULTS = { minDelay: 500, maxDelay: 30_000, factor: 2, maxRetries: Infinity, connectionTimeout: 10_000, hintAfter: 3, minUptime: 5000 };

test('resolveReconnect: defaults when not given', () => {
  assert.deepEqual(resolveReconnect(undefined), { ...DEFAULTS, enabled: true });
  assert.deepEqual(resolveReconnect({}), { ...DEFAULTS, enabled: true });
});

test('resolveReconnect: false disables reconnecting but keeps valid timings', () => {
  assert.deepEqual(resolveReconnect(false), { ...DEFAULTS, enabled: false });
});

test('resolveReconnect: given values override, undefined ones do not', () => {
  const resolved = resolveReconnect({ minDelay: 1, maxDelay: 5, factor: 1.5, maxRetries: 4, connectionTimeout: 200, hintAfter: 1 });
  assert.deepEqual(resolved, { minDelay: 1, maxDelay: 5, factor: 1.5, maxRetries: 4, connectionTimeout: 200, hintAfter: 1, minUptime: 5000, enabled: true });
  assert.equal(resolveReconnect({ minDelay: undefined }).minDelay, 500);
  assert.equal(resolveReconnect({ maxRetries: 0 }).maxRetries, 0, '0 retries is allowed');
});

test('resolveReconnect: bad values → INVALID_OPTIONS', () => {
  const bad: object[] = [
    { minDelay: -1 },
    { maxDelay: -1 },
    { minDelay: Number.NaN },
    { minDelay: '500' },
    { factor: 0.5 },
    { maxRetries: -1 },
    { connectionTimeout: 0 },
    { connectionTimeout: -5 },
    { hintAfter: -1 },
    { minUptime: -1 },
    { minDelay: 1000, maxDelay: 10 },
    { minDelay: 40_000 }, // above the default maxDelay of 30 000
  ];
  for (const options of bad) assert.throws(() => resolveReconnect(options as never), invalid, JSON.stringify(options));
});

test('checkHeartbeat: interval and timeout must be positive (an absent heartbeat is never checked)', () => {
  checkHeartbeat({ interval: 1000, timeout: 100 });
  for (const bad of [{ interval: 0, timeout: 1 }, { interval: 1, timeout: 0 }, { interval: -1, timeout: 1 }, { interval: Number.NaN, timeout: 1 }, {}]) {
    assert.throws(() => checkHeartbeat(bad as never), invalid, JSON.stringify(bad));
  }
});

test('checkProtocols: valid tokens are copied', () => {
  assert.deepEqual(checkProtocols(undefined), []);
  const given = ['chat.v1', 'graphql-ws'];
  const checked = checkProtocols(given);
  assert.deepEqual(checked, given);
  assert.notEqual(checked, given, 'a copy, so later changes by the caller do not leak in');
});

test('checkProtocols: duplicates → INVALID_OPTIONS', () => {
  assert.throws(() => checkProtocols(['chat', 'chat']), invalid);
});

test('checkProtocols: invalid entries → INVALID_OPTIONS', () => {
  for (const bad of [[''], ['has space'], ['a,b'], ['a=b'], ['ünïcode'], ['a/b'], [42], 'chat', {}]) {
    assert.throws(() => checkProtocols(bad), invalid, JSON.stringify(bad));
  }
});

test('checkQueueMax: default 1000; negative → INVALID_OPTIONS', () => {
  assert.equal(checkQueueMax(undefined), 1000);
  assert.equal(checkQueueMax({}), 1000);
  assert.equal(checkQueueMax({ max: 0 }), 0);
  assert.equal(checkQueueMax({ max: 5 }), 5);
  assert.throws(() => checkQueueMax({ max: -1 }), invalid);
  assert.throws(() => checkQueueMax({ max: Number.NaN }), invalid);
});

test('checkMaxFailures: default 3; below 1 → INVALID_OPTIONS', () => {
  assert.equal(checkMaxFailures(undefined), 3);
  assert.equal(checkMaxFailures(1), 1);
  for (const bad of [0, -1, Number.NaN]) assert.throws(() => checkMaxFailures(bad), invalid, String(bad));
});

test('checkAuthSource: a non-empty string or a function', () => {
  checkAuthSource('t');
  checkAuthSource(() => 't');
  for (const bad of ['', undefined, null, 42, {}]) assert.throws(() => checkAuthSource(bad), invalid, String(bad));
});

test('checkTransportSecurity: ws:// to a non-loopback host with a credential → INSECURE_TRANSPORT', () => {
  assert.throws(() => checkTransportSecurity(new URL('ws://api.example.com/ws'), true, undefined), code('INSECURE_TRANSPORT'));
  assert.throws(() => checkTransportSecurity(new URL('ws://10.0.0.2/ws'), true, false), code('INSECURE_TRANSPORT'));
});

test('checkTransportSecurity: allowed with allowInsecure, over wss://, to loopback, or without a credential', () => {
  checkTransportSecurity(new URL('ws://api.example.com/ws'), true, true);
  checkTransportSecurity(new URL('wss://api.example.com/ws'), true, undefined);
  for (const host of ['localhost', '127.0.0.1', '[::1]']) {
    checkTransportSecurity(new URL(`ws://${host}:8080/ws`), true, undefined);
  }
  // In Node `*.localhost` goes to the system resolver, which may send it off the machine.
  assert.throws(() => checkTransportSecurity(new URL('ws://dev.localhost:8080/ws'), true, undefined), code('INSECURE_TRANSPORT'));
  checkTransportSecurity(new URL('ws://api.example.com/ws'), false, undefined);
});
