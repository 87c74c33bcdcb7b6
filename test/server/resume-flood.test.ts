// A session's buffer never exceeds `maxBuffered` frames: an app that floods a
// client that is away, or one that never acknowledges, costs bounded memory,
// and the gate asks for an acknowledgement when half the bound is kept.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { until } from '../support/server-socket.ts';
import { startResumeGate, WireClient, type ResumeGate } from './resume-wire.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => { gc(); gc(); return process.memoryUsage().heapUsed; };

const MAX = 100;
let g: ResumeGate;
before(async () => { g = await startResumeGate({ resume: { maxBuffered: MAX } }); });
after(() => g.close());

test('50 000 frames of 1 KiB to a client that is away: heap grows by less than 5 MB, and its resume is lost', async () => {
  const client = new WireClient(g.url, { ackWithin: false });
  const { id } = await client.connect();
  const app = g.sessions.get(id)!;
  client.drop();
  await until(() => app.events.includes('suspended'), 3_000, 'suspended');
  const frame = 'x'.repeat(1024);
  const before = heapAfterGc();
  for (let i = 0; i < 50_000; i++) app.socket.send(`${i}:${frame}`);
  const grown = heapAfterGc() - before;
  console.log(`# heap growth after 50 000 × 1 KiB sent while away (maxBuffered ${MAX}): ${(grown / 1e6).toFixed(2)} MB`);
  assert.ok(grown < 5e6, `heap grew ${grown} bytes (unbounded would be ~51 MB)`);
  assert.equal((await client.connect()).status, 'lost');
  client.end();
});

test('a connected client that never acknowledges: one ask at half the bound; the gate keeps exactly the last maxBuffered', async () => {
  const client = new WireClient(g.url, { ackWithin: false });
  const { id } = await client.connect();
  const app = g.sessions.get(id)!;
  for (let i = 1; i <= 1_000; i++) app.socket.send(String(i));
  await client.until(() => client.received === 1_000, 5_000, 'all frames');
  assert.deepEqual(client.controls, ['{"$":"ask"}'], 'one ask, at half the bound, until an ack');
  // The oldest frame the gate still keeps is number 901: a client lacking 900 cannot continue.
  client.drop();
  await until(() => app.events.includes('suspended'), 3_000, 'suspended');
  client.inbox.length = 900 - 1;
  assert.equal((await client.connect()).status, 'lost');
  client.end();
});

test('a client lacking only what the gate keeps continues: the last maxBuffered frames are replayed', async () => {
  const client = new WireClient(g.url, { ackWithin: false });
  const { id } = await client.connect();
  const app = g.sessions.get(id)!;
  for (let i = 1; i <= 1_000; i++) app.socket.send(String(i));
  await client.until(() => client.received === 1_000, 5_000, 'all frames');
  client.drop();
  await until(() => app.events.includes('suspended'), 3_000, 'suspended');
  client.inbox.length = 900;
  const answer = await client.connect();
  assert.equal(answer.status, 'resumed');
  await client.until(() => client.received === 1_000, 5_000, 'replay');
  assert.deepEqual(client.inbox.slice(890), Array.from({ length: 110 }, (_, i) => String(891 + i)));
  client.end();
});
