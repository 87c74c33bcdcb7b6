// Heartbeat: a ping every `interval`; only when no frame at all arrives within
// `timeout` after a ping is the link declared dead. Driven by mock timers.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { createHeartbeat } from '../../src/core/heartbeat.ts';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
afterEach(() => mock.timers.reset());

function setup(interval = 1000, timeout = 300) {
  const log = { pings: 0, dead: 0 };
  const heartbeat = createHeartbeat(interval, timeout, () => void (log.pings += 1), () => void (log.dead += 1));
  return { heartbeat, log };
}

test('nothing is sent before the first interval', () => {
  const { heartbeat, log } = setup();
  mock.timers.tick(999);
  assert.deepEqual(log, { pings: 0, dead: 0 });
  mock.timers.tick(1);
  assert.deepEqual(log, { pings: 1, dead: 0 });
  heartbeat.stop();
});

test('no frame within timeout after a ping → onDead once, and pinging stops', () => {
  const { log } = setup();
  mock.timers.tick(1000);
  mock.timers.tick(299);
  assert.equal(log.dead, 0, 'not before the timeout');
  mock.timers.tick(1);
  assert.deepEqual(log, { pings: 1, dead: 1 });
  mock.timers.tick(10_000);
  assert.deepEqual(log, { pings: 1, dead: 1 }, 'a dead heartbeat stays quiet');
});

test('a frame after each ping keeps the link alive indefinitely', () => {
  const { heartbeat, log } = setup();
  for (let i = 0; i < 20; i++) {
    mock.timers.tick(i === 0 ? 1000 : 900); // the next ping
    mock.timers.tick(100);
    heartbeat.alive(); // e.g. the pong, 100 ms after the ping
  }
  mock.timers.tick(899);
  assert.equal(log.pings, 20);
  assert.equal(log.dead, 0);
  heartbeat.stop();
});

test('a frame just before the deadline saves the link; silence after the next ping does not', () => {
  const { heartbeat, log } = setup();
  mock.timers.tick(1000 + 299);
  heartbeat.alive();
  mock.timers.tick(701); // next ping at 2000
  assert.deepEqual(log, { pings: 2, dead: 0 });
  mock.timers.tick(300);
  assert.deepEqual(log, { pings: 2, dead: 1 });
});

test('frames while no ping is outstanding do not matter: the next ping still needs an answer', () => {
  const { heartbeat, log } = setup(1000, 300);
  heartbeat.alive(); // before any ping: harmless
  mock.timers.tick(999);
  assert.deepEqual(log, { pings: 0, dead: 0 });
  mock.timers.tick(1); // the ping
  mock.timers.tick(300);
  assert.deepEqual(log, { pings: 1, dead: 1 }, 'the earlier frame did not answer the ping');
});

test('the deadline runs from the first unanswered ping (later pings do not extend it)', () => {
  // timeout longer than interval: a second ping goes out while waiting.
  const { log } = setup(100, 250);
  mock.timers.tick(100); // ping 1, deadline at 350
  mock.timers.tick(200); // ping 2 at 200, ping 3 at 300
  assert.equal(log.dead, 0);
  mock.timers.tick(50); // 350
  assert.equal(log.dead, 1);
  assert.equal(log.pings, 3);
});

test('check() pings now and arms the deadline (used on offline / page visible)', () => {
  const { heartbeat, log } = setup(10_000, 300);
  heartbeat.check();
  assert.equal(log.pings, 1);
  mock.timers.tick(300);
  assert.equal(log.dead, 1);
});

test('stop() cancels both the interval and a pending deadline', () => {
  const { heartbeat, log } = setup();
  mock.timers.tick(1000);
  heartbeat.stop();
  mock.timers.tick(10_000);
  assert.deepEqual(log, { pings: 1, dead: 0 });
});

test('stop() before the first interval: no ping, ever', () => {
  const { heartbeat, log } = setup();
  heartbeat.stop();
  mock.timers.tick(10_000);
  assert.deepEqual(log, { pings: 0, dead: 0 });
});
