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

describe('resume: lost, ended, revoked', () => {
  let g: ResumeGate;
  before(async () => { g = await startResumeGate({ resume: { window: 300, maxBuffered: 10 } }); });
  after(() => g.close());

  test('window passed: the session socket closes once, and the next request is answered lost', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    const app = g.sessions.get(id)!;
    client.drop();
    await until(() => app.events.some((e) => e.startsWith('close')), 3_000, 'window end');
    assert.deepEqual(app.events, ['connection', 'suspended', 'close 1001 session window passed']);
    const answer = await client.connect();
    assert.equal(answer.status, 'lost');
    assert.notEqual(answer.id, id);
    assert.equal(answer.received, 0);
    client.end();
  });

  test('overflow while away: lost on resume (never more than maxBuffered kept); the unacknowledged client frames come again', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    const app = g.sessions.get(id)!;
    client.send('c1');
    await until(() => app.messages.length === 1, 3_000, 'c1');
    client.drop();
    await until(() => app.events.includes('suspended'), 3_000, 'suspended');
    for (const n of numbers(1, 11)) app.socket.send(`s${n}`);
    const answer = await client.connect();
    assert.equal(answer.status, 'lost');
    assert.equal(app.events.at(-1), 'close 1001 session lost');
    const fresh = g.sessions.get(answer.id)!;
    await until(() => fresh.messages.length === 1, 3_000, 'c1 again');
    assert.deepEqual(fresh.messages, ['c1'], 'at least once after lost');
    client.end();
  });

  test('another user key never continues a session (lost), and the owner can still continue it', async () => {
    const alice = new WireClient(g.url, { ackWithin: false });
    const { id } = await alice.connect();
    alice.drop();
    const mallory = new WireClient(g.url, { token: 'bob', ackWithin: false });
    mallory.session = id;
    const answer = await mallory.connect();
    assert.equal(answer.status, 'lost');
    assert.notEqual(answer.id, id);
    assert.equal(g.sessions.get(answer.id)!.user, 'bob');
    assert.equal((await alice.connect()).status, 'resumed');
    alice.end();
    mallory.end();
  });

  test('end from the client ends the session at once; its id is then lost', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    const app = g.sessions.get(id)!;
    client.end();
    await until(() => app.events.length === 2, 3_000, 'close');
    assert.deepEqual(app.events, ['connection', 'close 1000 ']);
    assert.equal((await client.connect()).status, 'lost');
    client.end();
  });

  test('the app closes the session socket with a code: the client gets it, close fires once, then lost', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    const app = g.sessions.get(id)!;
    app.socket.close(4000, 'bye');
    app.socket.close(4001, 'again');
    assert.deepEqual(await within(client.closed!, 3_000, 'client close'), { code: 4000, reason: 'bye' });
    await until(() => app.events.length === 2, 3_000, 'close');
    assert.deepEqual(app.events, ['connection', 'close 4000 bye']);
    assert.equal(app.socket.readyState, 3);
    assert.equal((await client.connect()).status, 'lost');
    client.end();
  });

  test('revocation ends the user\'s sessions, connected or suspended', async () => {
    const connected = new WireClient(g.url, { ackWithin: false });
    const away = new WireClient(g.url, { ackWithin: false });
    const a = g.sessions.get((await connected.connect()).id)!;
    const b = g.sessions.get((await away.connect()).id)!;
    away.drop();
    await until(() => b.events.includes('suspended'), 3_000, 'suspended');
    await g.gate.revoke('alice');
    assert.deepEqual(await within(connected.closed!, 3_000, 'client close'), { code: 4403, reason: 'revoked' });
    await until(() => a.events.length === 2 && b.events.length === 3, 3_000, 'both closed');
    assert.equal(a.events[1], 'close 4403 revoked');
    assert.equal(b.events[2], 'close 4403 revoked');
  });
});

describe('resume: control frames never reach the app', () => {
  let g: ResumeGate;
  before(async () => { g = await startResumeGate(); });
  after(() => g.close());

  test('app text that looks like a control frame travels escaped, counted, and arrives as sent', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    const app = g.sessions.get(id)!;
    const raw: string[] = [];
    client.ws!.on('message', (data) => raw.push(data.toString()));
    app.socket.send('{"$":"ack","n":99}');
    client.send('{"$":"end"}');
    await until(() => client.received === 1 && app.messages.length === 1, 3_000, 'both');
    assert.deepEqual(raw, ['{"$":"msg","d":"{\\"$\\":\\"ack\\",\\"n\\":99}"}']);
    assert.deepEqual(client.inbox, ['{"$":"ack","n":99}']);
    assert.deepEqual(app.messages, ['{"$":"end"}']);
    assert.deepEqual(app.events, ['connection'], 'the escaped end did not end the session');
    client.ask();
    await client.until(() => client.acks.length === 1, 2_000, 'ack');
    assert.equal(client.acks[0]!.n, 1);
    client.end();
  });

  test('the heartbeat is answered by the gate, neither counted nor shown', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    const pongs: string[] = [];
    client.ws!.on('message', (data) => { if (data.toString() === '{"type":"pong"}') pongs.push('pong'); });
    client.ws!.send('{"type":"ping"}');
    client.send('one');
    await until(() => pongs.length === 1 && g.sessions.get(id)!.messages.length === 1, 3_000, 'pong and one');
    client.ask();
    await client.until(() => client.acks.length === 1, 2_000, 'ack');
    assert.equal(client.acks[0]!.n, 1, 'the ping was not counted');
    assert.deepEqual(g.sessions.get(id)!.messages, ['one']);
    client.end();
  });

  test('a malformed control frame ends the session with 1008; an unknown one is ignored, not counted', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    client.ws!.send('{"$":"later","x":1}');
    client.send('one');
    client.ask();
    await client.until(() => client.acks.length === 1, 2_000, 'ack');
    assert.equal(client.acks[0]!.n, 1);
    assert.deepEqual(g.sessions.get(id)!.messages, ['one']);
    for (const bad of ['{"$":"ack","n":-1}', '{"$":', '{"$":1}']) {
      const other = new WireClient(g.url, { ackWithin: false });
      await other.connect();
      other.ws!.send(bad);
      assert.equal((await within(other.closed!, 3_000, 'close')).code, 1008, bad);
    }
    client.end();
  });

  test('an ack beyond what the gate sent ends the session with 1008', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    await client.connect();
    client.ws!.send('{"$":"ack","n":5}');
    assert.equal((await within(client.closed!, 3_000, 'close')).code, 1008);
  });
});

describe('resume: clients without it, and bad requests', () => {
  let g: ResumeGate;
  before(async () => { g = await startResumeGate(); });
  after(() => g.close());

  test('a client without resume is served as today: no session frame, a plain socket', async () => {
    const ws = new WebSocket(g.url, ['authsocket', 'base64url.bearer.Z29vZA'], { origin: ORIGIN });
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(data.toString()));
    await within(new Promise((resolve) => ws.once('open', resolve)), 3_000, 'open');
    await until(() => g.connections === 1, 3_000, 'connection');
    const app = [...g.sessions.values()][0]!;
    assert.equal(app.info, undefined);
    app.socket.send('hello');
    await until(() => frames.length === 1, 3_000, 'hello');
    assert.deepEqual(frames, ['hello']);
    ws.close();
  });

  for (const entry of ['authsocket.resume.short.0', 'authsocket.resume.AAAAAAAAAAAAAAAAAAAAAA.01', 'authsocket.resume.AAAAAAAAAAAAAAAAAAAAAA.1.2']) {
    test(`a malformed resume entry is refused with HTTP 400 before verify: ${entry}`, async () => {
      const ws = new WebSocket(g.url, ['authsocket', 'base64url.bearer.Z29vZA', entry], { origin: ORIGIN });
      ws.on('error', () => {});
      const status = await within(new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode!))), 3_000, 'refusal');
      assert.equal(status, 400);
    });
  }

  test('options are checked', async () => {
    const { createAuthGate } = await import('../../src/server/index.ts');
    const verify = () => 'alice';
    for (const resume of [{ window: 0 }, { window: Number.NaN }, { maxBuffered: 0 }, { maxBuffered: 1.5 }, { store: {} }, 'yes']) {
      assert.throws(() => createAuthGate({ origins: [ORIGIN], verify, resume: resume as never }), TypeError, JSON.stringify(resume));
    }
  });
});

describe('resume: the message carrier, terminate, two gates sharing one memory store', () => {
  let g: ResumeGate;
  before(async () => { g = await startResumeGate(); });
  after(() => g.close());

  test('message carrier: auth_ok, then the session answer; the auth frame is not counted', async () => {
    const ws = new WebSocket(g.url, ['authsocket', 'authsocket.resume'], { origin: ORIGIN });
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(data.toString()));
    await within(new Promise((resolve) => ws.once('open', resolve)), 3_000, 'open');
    ws.send(JSON.stringify({ type: 'auth', token: 'good' }));
    await until(() => frames.length === 2, 3_000, 'auth_ok and the answer');
    assert.equal(frames[0], '{"type":"auth_ok"}');
    const answer = JSON.parse(frames[1]!);
    assert.equal(answer.status, 'new');
    ws.send('one');
    ws.send('{"$":"ask"}');
    await until(() => frames.length === 3, 3_000, 'ack');
    assert.equal(frames[2], '{"$":"ack","n":1}');
    assert.deepEqual(g.sessions.get(answer.id)!.messages, ['one']);
    ws.close();
  });

  test('terminate() ends the session and cuts the connection; close fires once with 1006', async () => {
    const client = new WireClient(g.url, { ackWithin: false });
    const { id } = await client.connect();
    const app = g.sessions.get(id)!;
    app.socket.terminate();
    assert.equal((await within(client.closed!, 3_000, 'cut')).code, 1006);
    assert.deepEqual(app.events, ['connection', 'close 1006 ']);
    assert.equal((await client.connect()).status, 'lost');
    client.end();
  });

  test('a session moves between two gates that share a memory store: moved, nothing lost', async () => {
    const { createMemorySessions } = await import('../../src/server/index.ts');
    const store = createMemorySessions();
    const a = await startResumeGate({ resume: { store } });
    const b = await startResumeGate({ resume: { store } });
    try {
      const onA = new WireClient(a.url, { ackWithin: false });
      const { id } = await onA.connect();
      const appA = a.sessions.get(id)!;
      appA.socket.send('s1');
      await onA.until(() => onA.received === 1, 3_000, 's1');
      onA.drop();
      await until(() => appA.events.includes('suspended'), 3_000, 'suspended');
      appA.socket.send('s2');
      const onB = Object.assign(new WireClient(b.url, { ackWithin: false }), { session: id });
      onB.inbox.push('s1');
      assert.deepEqual(await onB.connect(), { $: 'session', id, status: 'resumed', received: 0 });
      await onB.until(() => onB.received === 2, 3_000, 's2 replayed');
      assert.deepEqual(onB.inbox, ['s1', 's2']);
      assert.equal(appA.events.at(-1), 'close 1001 session moved');
      assert.deepEqual(b.sessions.get(id)!.info, { session: id, moved: true });
      onB.end();
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('resume: a connection listener that throws', () => {
  test('the connection closes with 1011, the session ends (close once), the next request is lost', async () => {
    const g = await startResumeGate();
    const errors: unknown[] = [];
    g.gate.on('error', (error) => errors.push(error));
    let thrown = false;
    g.gate.on('connection', () => {
      if (thrown) return;
      thrown = true;
      throw new Error('app bug');
    });
    try {
      const client = new WireClient(g.url, { ackWithin: false });
      const { id } = await client.connect();
      assert.equal((await within(client.closed!, 3_000, 'close')).code, 1011);
      const app = g.sessions.get(id)!;
      await until(() => app.events.length === 2, 3_000, 'session close');
      assert.deepEqual(app.events, ['connection', 'close 1011 internal error']);
      assert.equal((errors[0] as Error).message, 'app bug');
      assert.equal((await client.connect()).status, 'lost');
      client.end();
    } finally {
      await g.close();
    }
  });
});

describe('resume: text the app gives as bytes', () => {
  let g: ResumeGate;
  before(async () => { g = await startResumeGate(); });
  after(() => g.close());

  /** A raw resume connection (`entry`: the resume subprotocol entry) and every frame it gets, with its kind. */
  async function connect(entry: string) {
    const frames: Array<[string, boolean]> = [];
    const ws = new WebSocket(g.url, ['authsocket', 'base64url.bearer.Z29vZA', entry], { origin: ORIGIN });
    ws.on('message', (data, isBinary) => frames.push([isBinary ? `bytes:${[...(data as Buffer)].join(',')}` : data.toString(), isBinary]));
    await until(() => frames.length > 0, 3_000, 'the answer');
    return { ws, frames, id: JSON.parse(frames[0]![0]).id as string };
  }

  test("send(buffer, { binary: false }) goes out as text, as sent and when replayed; bytes that look like a control frame are wrapped", async () => {
    const first = await connect('authsocket.resume');
    const app = g.sessions.get(first.id)!;
    app.socket.send(Buffer.from('héllo'), { binary: false });
    app.socket.send(Buffer.from([1, 2, 3]));
    app.socket.send(Buffer.from('{"$":"x"}'), { binary: false });
    const expected: Array<[string, boolean]> = [['héllo', false], ['bytes:1,2,3', true], [JSON.stringify({ $: 'msg', d: '{"$":"x"}' }), false]];
    await until(() => first.frames.length === 4, 3_000, 'three frames');
    assert.deepEqual(first.frames.slice(1), expected);
    first.ws.terminate();
    await until(() => app.events.includes('suspended'), 3_000, 'suspended');
    const again = await connect(`authsocket.resume.${first.id}.0`);
    await until(() => again.frames.length === 4, 3_000, 'the replay');
    assert.deepEqual(again.frames.slice(1), expected, 'replayed with the same kinds');
    again.ws.send('{"$":"end"}');
    again.ws.close();
  });
});
