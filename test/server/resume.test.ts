// The gate's side of `resume`, driven by a raw client that speaks the wire
// (test/server/resume-wire.ts): the answer frame, counting and acknowledging,
// replay after a drop, exactly once and in order both ways, and `lost`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { ORIGIN } from '../support/server-gate.ts';
import { until } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';
import { startResumeGate, WireClient, type ResumeGate } from './resume-wire.ts';

const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('resume: one gate, the default store', () => {
  let g: ResumeGate;
  before(async () => { g = await startResumeGate({ ack: true }); });
  after(() => g.close());

  test('a bare request gets a new session: the answer right after auth_ok, connection once with its id', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const frames: string[] = [];
    const answer = await client.connect();
    assert.equal(answer.status, 'new');
    assert.equal(answer.received, 0);
    assert.match(answer.id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(client.ws!.protocol, 'authsocket', 'the gate never selects the resume entry');
    assert.deepEqual(g.sessions.get(answer.id)?.info, { session: answer.id });
    // auth_ok came first (ack: true): it is not a control frame, so the client counted it; check the raw order.
    const raw = new WebSocket(g.url, ['authsocket', 'base64url.bearer.Z29vZA', 'authsocket.resume'], { origin: ORIGIN });
    raw.on('message', (data) => frames.push(data.toString()));
    await within(new Promise<void>((resolve) => { const check = () => (frames.length >= 2 ? resolve() : setTimeout(check, 5)); check(); }), 3_000, 'two frames');
    assert.equal(frames[0], '{"type":"auth_ok"}');
    assert.match(frames[1]!, /^\{"\$":"session","id":"[A-Za-z0-9_-]{22}","status":"new","received":0\}$/);
    raw.close();
    client.end();
  });
});

describe('resume: counting, acknowledgement, replay', () => {
  let g: ResumeGate;
  before(async () => { g = await startResumeGate(); });
  after(() => g.close());

  test('the gate acknowledges within 1 s of the first unacknowledged frame, and at once on ask', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    const start = Date.now();
    for (const n of numbers(1, 3)) client.send(n);
    await client.until(() => client.acks.length > 0, 2_000, 'an ack');
    const delay = client.acks[0]!.at - start;
    assert.equal(client.acks[0]!.n, 3);
    assert.ok(delay <= 1_150 && delay >= 900, `ack after ${delay} ms`);
    assert.deepEqual(g.sessions.get(id)!.messages, numbers(1, 3));
    assert.deepEqual(client.kept, [], 'acknowledged frames are no longer kept');
    client.send('4');
    const asked = Date.now();
    client.ask();
    await client.until(() => client.acks.length > 1, 2_000, 'ack on ask');
    assert.equal(client.acks[1]!.n, 4);
    assert.ok(client.acks[1]!.at - asked < 200, `ack on ask after ${client.acks[1]!.at - asked} ms`);
    client.end();
  });

  test('a drop mid-stream: every frame once and in order both ways; same session socket, suspended then resumed', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    const app = g.sessions.get(id)!;
    for (const n of numbers(1, 5)) { app.socket.send(`s${n}`); client.send(`c${n}`); }
    await until(() => client.received === 5 && app.messages.length === 5, 3_000, 'first five both ways');
    client.drop();
    await until(() => app.events.includes('suspended'), 3_000, 'suspended');
    // Both sides go on while apart: the gate keeps, the client keeps.
    for (const n of numbers(6, 10)) { app.socket.send(`s${n}`); client.send(`c${n}`); }
    const answer = await client.connect();
    assert.deepEqual(answer, { $: 'session', id, status: 'resumed', received: 5 });
    await until(() => client.received === 10 && app.messages.length === 10, 3_000, 'all ten both ways');
    assert.deepEqual(client.inbox, numbers(1, 10).map((n) => `s${n}`));
    assert.deepEqual(app.messages, numbers(1, 10).map((n) => `c${n}`));
    assert.deepEqual(app.events, ['connection', 'suspended', 'resumed']);
    assert.equal(g.sessions.get(id), app, 'no second connection event');
    client.end();
    await until(() => app.events.length === 4, 3_000, 'close');
    assert.deepEqual(app.events.at(-1), 'close 1000 ');
  });
});
