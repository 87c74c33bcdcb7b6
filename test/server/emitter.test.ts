// The one emitter of client and server (src/emitter.ts): a listener that
// throws never breaks the caller nor the listeners after it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Emitter } from '../../src/emitter.ts';

type Events = { ping: (n: number, label: string) => void; other: () => void };

test('listeners get every argument, in the order they were added; the returned function removes one', () => {
  const events = new Emitter<Events>();
  const seen: string[] = [];
  const off = events.on('ping', (n, label) => seen.push(`a${n}${label}`));
  events.on('ping', (n) => seen.push(`b${n}`));
  events.emit('ping', 1, 'x');
  off();
  events.emit('ping', 2, 'y');
  assert.deepEqual(seen, ['a1x', 'b1', 'b2']);
  assert.equal(events.has('ping'), true);
  assert.equal(events.has('other'), false);
});

test('once fires for the next emit only', () => {
  const events = new Emitter<Events>();
  let calls = 0;
  events.once('other', () => calls++);
  events.emit('other');
  events.emit('other');
  assert.equal(calls, 1);
});

test('a throwing listener neither breaks emit nor stops the later listeners; its error is rethrown asynchronously', async () => {
  const events = new Emitter<Events>();
  const boom = new Error('listener bug');
  let after = 0;
  events.on('other', () => { throw boom; });
  events.on('other', () => after++);
  // node:test reports uncaught exceptions as failures: its listeners step aside for this test.
  const listeners = process.rawListeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const uncaught = once(process, 'uncaughtException');
  try {
    assert.doesNotThrow(() => events.emit('other'));
    assert.equal(after, 1);
    const [error] = await Promise.race([uncaught, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no rethrow within 1 s')), 1000))]);
    assert.equal(error, boom);
  } finally {
    for (const listener of listeners) process.on('uncaughtException', listener as (error: Error) => void);
  }
});

test('onListenerError takes a listener error instead of the asynchronous rethrow', () => {
  const reported: Array<[unknown, string]> = [];
  const events = new Emitter<Events>({ onListenerError: (error, event) => reported.push([error, String(event)]) });
  const boom = new Error('listener bug');
  events.on('ping', () => { throw boom; });
  events.emit('ping', 1, 'x');
  assert.deepEqual(reported, [[boom, 'ping']]);
});

test('a listener added or removed during an emit does not change that emit', () => {
  const events = new Emitter<Events>();
  const seen: string[] = [];
  const second = () => seen.push('second');
  events.on('other', () => {
    seen.push('first');
    events.off('other', second);
    events.on('other', () => seen.push('late'));
  });
  events.on('other', second);
  events.emit('other');
  assert.deepEqual(seen, ['first', 'second']);
});
