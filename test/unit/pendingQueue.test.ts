// The send queue used while the socket is not open: order kept, bounded with a
// loud QUEUE_FULL, flush stops where the socket refuses, drop reports a count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PendingQueue } from '../../src/core/pendingQueue.ts';
import { AuthSocketError } from '../../src/errors/AuthSocketError.ts';
import type { Frame } from '../../src/types.ts';

test('flush sends frames in the order they were pushed', () => {
  const queue = new PendingQueue(10);
  for (const frame of ['a', 'b', 'c']) queue.push(frame);
  assert.equal(queue.size, 3);
  const sent: Frame[] = [];
  queue.flush((frame) => (sent.push(frame), true));
  assert.deepEqual(sent, ['a', 'b', 'c']);
  assert.equal(queue.size, 0);
});

test('binary frames are kept as they are', () => {
  const queue = new PendingQueue(10);
  const bytes = new Uint8Array([1, 2, 3]);
  queue.push(bytes);
  const sent: Frame[] = [];
  queue.flush((frame) => (sent.push(frame), true));
  assert.equal(sent[0], bytes);
});

test('a full queue throws QUEUE_FULL (an AuthSocketError) and keeps what it had', () => {
  const queue = new PendingQueue(2);
  queue.push('a');
  queue.push('b');
  assert.throws(
    () => queue.push('c'),
    (error: unknown) => error instanceof AuthSocketError && error.code === 'QUEUE_FULL' && /full \(2\).*queue\.max/.test(error.message),
  );
  assert.equal(queue.size, 2);
  const sent: Frame[] = [];
  queue.flush((frame) => (sent.push(frame), true));
  assert.deepEqual(sent, ['a', 'b'], 'the refused frame was not added, nothing was dropped');
});

test('max 0 refuses every push', () => {
  const queue = new PendingQueue(0);
  assert.throws(() => queue.push('a'), { code: 'QUEUE_FULL' });
  assert.equal(queue.size, 0);
});

test('flush stops at the first refused frame: it and the rest stay queued, in order', () => {
  const queue = new PendingQueue(10);
  for (const frame of ['a', 'b', 'c', 'd']) queue.push(frame);
  const sent: Frame[] = [];
  queue.flush((frame) => {
    if (frame === 'c') return false;
    sent.push(frame);
    return true;
  });
  assert.deepEqual(sent, ['a', 'b']);
  assert.equal(queue.size, 2);
  const rest: Frame[] = [];
  queue.flush((frame) => (rest.push(frame), true));
  assert.deepEqual(rest, ['c', 'd']);
});

test('a queue freed by flush accepts pushes again', () => {
  const queue = new PendingQueue(1);
  queue.push('a');
  queue.flush(() => true);
  queue.push('b');
  assert.equal(queue.size, 1);
});

test('drop empties the queue and returns how many frames were discarded', () => {
  const queue = new PendingQueue(10);
  assert.equal(queue.drop(), 0);
  for (const frame of ['a', 'b', 'c']) queue.push(frame);
  assert.equal(queue.drop(), 3);
  assert.equal(queue.size, 0);
  let called = false;
  queue.flush(() => (called = true));
  assert.equal(called, false);
});

test('frames sent on an unconfirmed connection go back to the front when the server refuses it', () => {
  const queue = new PendingQueue(10);
  for (const frame of ['a', 'b']) queue.push(frame);
  queue.flush(() => true, true);
  queue.sentUnconfirmed('c');
  queue.push('d'); // sent while the socket was already closing: still queued
  queue.settleUnconfirmed(true);
  const sent: unknown[] = [];
  queue.flush((frame) => (sent.push(frame), true));
  assert.deepEqual(sent, ['a', 'b', 'c', 'd']);
});

test('confirmed, or ended for another reason: what was sent stays sent', () => {
  const queue = new PendingQueue(10);
  queue.push('a');
  queue.flush(() => true, true);
  queue.confirm();
  queue.settleUnconfirmed(true);
  assert.equal(queue.size, 0);
  queue.push('b');
  queue.flush(() => true, true);
  queue.settleUnconfirmed(false);
  assert.equal(queue.size, 0);
});
