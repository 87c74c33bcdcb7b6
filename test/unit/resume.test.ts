// The client's resume session on fake connections: the upgrade entry, the
// gate's answer (new / resumed / lost), counting, acknowledgement within 1 s
// (at once on ask), kept frames resent after the gate's count, the escape of
// app frames that look like control frames, and `end` on close().
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { RESUME_ANSWER_TIMEOUT, ResumeSession, resumeFeature, type ResumeConnection } from '../../src/core/resume.ts';
import type { AttemptHandle } from '../../src/core/features.ts';
import type { Frame } from '../../src/types.ts';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const OTHER = 'BBBBBBBBBBBBBBBBBBBBBB';
const session = (id: string, status: string, received = 0) => JSON.stringify({ $: 'session', id, status, received });

/** A fake connection: what was written on it, and whether it still takes frames. */
function connect(resume: ResumeSession) {
  const wire: Frame[] = [];
  const answers: string[] = [];
  const link = { open: true, wire, answers, conn: undefined as unknown as ResumeConnection };
  link.conn = resume.connect((frame) => link.open && wire.push(frame) > 0, (status) => answers.push(status));
  return link;
}

/** Feeds frames in; returns what would be delivered. */
const feed = (conn: ResumeConnection, ...frames: (string | ArrayBuffer)[]) =>
  frames.map((frame) => conn.read(frame)).filter((out) => out !== undefined);

const app = (i: number) => JSON.stringify({ n: i });

test('the first connection asks for a new session; later ones for that session with the count received', () => {
  const resume = new ResumeSession(100);
  const first = connect(resume);
  assert.equal(first.conn.entry, 'authsocket.resume');
  feed(first.conn, session(ID, 'new'), app(1), app(2), app(3));
  assert.deepEqual(first.answers, ['new']);
  assert.equal(resume.id, ID);
  const second = connect(resume);
  assert.equal(second.conn.entry, `authsocket.resume.${ID}.3`);
});

test('frames before the answer (auth_ok) pass uncounted; the answer is never delivered', () => {
  const resume = new ResumeSession(100);
  const { conn } = connect(resume);
  assert.deepEqual(feed(conn, '{"type":"auth_ok"}', session(ID, 'new'), app(1)), ['{"type":"auth_ok"}', app(1)]);
  assert.equal(connect(resume).conn.entry, `authsocket.resume.${ID}.1`, 'auth_ok was not counted');
});

test('control frames never reach the app; an escaped app frame arrives as its original text, counted', () => {
  const resume = new ResumeSession(100);
  const { conn } = connect(resume);
  const looksLikeControl = '{"$":"ack","n":99}';
  const delivered = feed(
    conn,
    session(ID, 'new'),
    '{"$":"ack","n":0}',
    '{"$":"unknown-later"}',
    '{"$": not json',
    JSON.stringify({ $: 'msg', d: looksLikeControl }),
    '{"type":"pong"}',
  );
  assert.deepEqual(delivered, [looksLikeControl, '{"type":"pong"}']);
  assert.equal(connect(resume).conn.entry, `authsocket.resume.${ID}.1`, 'the escaped frame counted, the pong did not');
});

test('binary frames are app frames, counted', () => {
  const resume = new ResumeSession(100);
  const { conn } = connect(resume);
  const bytes = new Uint8Array([123, 34, 36, 34, 58]).buffer; // the bytes of {"$":
  assert.deepEqual(feed(conn, session(ID, 'new'), bytes), [bytes]);
  assert.equal(connect(resume).conn.entry, `authsocket.resume.${ID}.1`);
});

test('outgoing: nothing counted before the answer; after it app frames are numbered and kept, control look-alikes escaped, pings pass', () => {
  const resume = new ResumeSession(100);
  const link = connect(resume);
  assert.equal(link.conn.write('{"type":"auth","token":"t"}'), true);
  feed(link.conn, session(ID, 'new'));
  link.conn.write('{"$":"end"}');
  link.conn.write('{"type":"ping"}');
  link.conn.write(app(2));
  assert.deepEqual(link.wire, ['{"type":"auth","token":"t"}', JSON.stringify({ $: 'msg', d: '{"$":"end"}' }), '{"type":"ping"}', app(2)]);
  assert.equal(resume.kept, 2, 'the auth frame and the ping are not kept');
});

test('a frame the connection cannot take is neither numbered nor kept (the caller queues it)', () => {
  const resume = new ResumeSession(100);
  const link = connect(resume);
  feed(link.conn, session(ID, 'new'));
  link.open = false;
  assert.equal(link.conn.write(app(1)), false);
  assert.equal(resume.kept, 0);
});

test('acknowledgement: at the latest 1 s after the first unacknowledged frame, cumulative, once', () => {
  const resume = new ResumeSession(100);
  const link = connect(resume);
  feed(link.conn, session(ID, 'new'), app(1));
  mock.timers.tick(600);
  feed(link.conn, app(2));
  mock.timers.tick(399);
  assert.deepEqual(link.wire, [], 'not before 1 s');
  mock.timers.tick(1);
  assert.deepEqual(link.wire, ['{"$":"ack","n":2}']);
  mock.timers.tick(5000);
  assert.equal(link.wire.length, 1, 'nothing new, no new ack');
});

test('ask: the ack goes at once', () => {
  const resume = new ResumeSession(100);
  const link = connect(resume);
  feed(link.conn, session(ID, 'new'), app(1), app(2), '{"$":"ask"}');
  assert.deepEqual(link.wire, ['{"$":"ack","n":2}']);
  mock.timers.tick(2000);
  assert.equal(link.wire.length, 1);
});

test("the gate's ack releases kept frames; at half of queue.max the client asks once", () => {
  const resume = new ResumeSession(10);
  const link = connect(resume);
  feed(link.conn, session(ID, 'new'));
  for (let i = 1; i <= 6; i++) link.conn.write(app(i));
  assert.equal(resume.kept, 6);
  assert.deepEqual(link.wire.filter((f) => f === '{"$":"ask"}').length, 1, 'one ask at 5 kept');
  assert.equal(link.wire.indexOf('{"$":"ask"}'), 5, 'right after the fifth frame');
  feed(link.conn, '{"$":"ack","n":4}');
  assert.equal(resume.kept, 2);
  feed(link.conn, '{"$":"ack","n":3}', '{"$":"ack","n":-1}', '{"$":"ack","n":"x"}');
  assert.equal(resume.kept, 2, 'an older or malformed ack changes nothing');
  feed(link.conn, '{"$":"ack","n":6}');
  assert.equal(resume.kept, 0);
});

test('resumed: the gate replays after the entry count; the client resends the kept frames after the gate count, in order', () => {
  const resume = new ResumeSession(100);
  const first = connect(resume);
  feed(first.conn, session(ID, 'new'), app(1), app(2));
  for (let i = 1; i <= 5; i++) first.conn.write(app(100 + i));
  feed(first.conn, '{"$":"ack","n":1}');
  first.open = false;
  first.conn.end();

  const second = connect(resume);
  assert.equal(second.conn.entry, `authsocket.resume.${ID}.2`);
  const delivered = feed(second.conn, session(ID, 'resumed', 3), app(3), app(4));
  assert.deepEqual(second.answers, ['resumed']);
  assert.deepEqual(delivered, [app(3), app(4)]);
  assert.deepEqual(second.wire, [app(104), app(105)], 'the gate had 1–3: 4 and 5 go again');
  assert.equal(resume.kept, 2);
  second.conn.write(app(106));
  feed(second.conn, '{"$":"ack","n":6}');
  assert.equal(resume.kept, 0, 'numbering went on after the resent frames');
});

test('an old connection still delivering while a new one replays: each number once, in order', () => {
  const resume = new ResumeSession(100);
  const old = connect(resume);
  feed(old.conn, session(ID, 'new'), app(1));
  const fresh = connect(resume); // entry says 1
  const delivered = [
    ...feed(old.conn, app(2), app(3)),
    ...feed(fresh.conn, session(ID, 'resumed'), app(2), app(3), app(4)),
    ...feed(old.conn, app(4), app(5)),
    ...feed(fresh.conn, app(5), app(6)),
  ];
  assert.deepEqual(delivered, [app(1), app(2), app(3), app(4), app(5), app(6)].slice(1));
  assert.equal(old.conn.write(app(9)), false, 'the superseded connection takes no app frame');
});

test('lost: a new session, counts from 0, every unacknowledged frame sent again (at least once)', () => {
  const resume = new ResumeSession(100);
  const first = connect(resume);
  feed(first.conn, session(ID, 'new'), app(1));
  for (let i = 1; i <= 3; i++) first.conn.write(app(100 + i));
  feed(first.conn, '{"$":"ack","n":1}');
  const second = connect(resume);
  const delivered = feed(second.conn, session(OTHER, 'lost'), app(1));
  assert.deepEqual(second.answers, ['lost']);
  assert.deepEqual(delivered, [app(1)], 'numbering starts over: frame 1 of the new session is delivered');
  assert.deepEqual(second.wire, [app(102), app(103)]);
  assert.equal(resume.id, OTHER);
  assert.equal(connect(resume).conn.entry, `authsocket.resume.${OTHER}.1`);
});

test('a resend that cannot go out stays kept and goes with the next answer', () => {
  const resume = new ResumeSession(100);
  const first = connect(resume);
  feed(first.conn, session(ID, 'new'));
  first.conn.write(app(1));
  first.conn.write(app(2));
  const second = connect(resume);
  second.open = false;
  feed(second.conn, session(ID, 'resumed', 0));
  assert.equal(resume.kept, 2);
  const third = connect(resume);
  feed(third.conn, session(ID, 'resumed', 1));
  assert.deepEqual(third.wire, [app(2)]);
});

test('a malformed answer is ignored (the connection waits for a real one)', () => {
  const resume = new ResumeSession(100);
  const link = connect(resume);
  feed(link.conn, session('short', 'new'), session(ID, 'maybe'), JSON.stringify({ $: 'session', id: ID, status: 'resumed', received: -1 }));
  assert.deepEqual(link.answers, []);
  assert.equal(link.conn.status, undefined);
  feed(link.conn, session(ID, 'new'));
  assert.deepEqual(link.answers, ['new']);
});

test('end(): {"$":"end"} on the session connection, then the next connection starts a new session', () => {
  const resume = new ResumeSession(100);
  const link = connect(resume);
  feed(link.conn, session(ID, 'new'), app(1));
  link.conn.write(app(1));
  resume.end();
  assert.deepEqual(link.wire, [app(1), '{"$":"end"}']);
  assert.equal(resume.kept, 0);
  mock.timers.tick(2000);
  assert.equal(link.wire.length, 2, 'no ack after end');
  assert.equal(connect(resume).conn.entry, 'authsocket.resume');
});

test('the feature: the request after an app protocol; admit waits for the answer; no answer in time fails the attempt', () => {
  assert.equal(resumeFeature(false), undefined, 'resume: false is no feature');
  const feature = resumeFeature(true)!;
  const kept = feature.keeps!(10, 'wss://api.example.com/ws');
  const wire: Frame[] = [];
  const attempt: AttemptHandle = { role: 'live', send: (frame) => wire.push(frame) > 0 };
  assert.deepEqual(feature.offer!(attempt, []), ['authsocket', 'authsocket.resume'], 'an app protocol first when none is offered');
  const opened: unknown[] = [];
  const failed: string[] = [];
  feature.admit!(attempt, (extra) => opened.push(extra), (error) => failed.push(error.code));
  assert.equal(feature.receive!(attempt, session(ID, 'new')), undefined, 'the answer is consumed');
  assert.deepEqual([...opened], [{ session: 'new' }]);
  assert.equal(feature.write!(attempt, app(1)), true);
  assert.equal(kept(), 1);
  feature.closing!();
  assert.equal(wire.at(-1), '{"$":"end"}');

  const next: AttemptHandle = { role: 'live', send: () => true };
  assert.deepEqual(feature.offer!(next, ['chat.v1']), ['authsocket.resume'], 'after close() a new session is asked for');
  feature.admit!(next, (extra) => opened.push(extra), (error) => failed.push(error.code));
  mock.timers.tick(RESUME_ANSWER_TIMEOUT);
  assert.deepEqual(failed, ['CONNECTION_FAILED']);
  assert.equal(opened.length, 1);
});

test('queue.max: the session takes no frame past it (the client queues it or throws QUEUE_FULL)', () => {
  const resume = new ResumeSession(3);
  const link = connect(resume);
  feed(link.conn, session(ID, 'new'));
  for (let i = 1; i <= 3; i++) assert.equal(link.conn.write(app(i)), true);
  assert.equal(link.conn.write(app(4)), false);
  assert.equal(resume.kept, 3);
});

test('persist: the session goes to sessionStorage at pagehide and the next page continues it', () => {
  const stored = new Map<string, string>();
  const page = new EventTarget();
  const globals = globalThis as any;
  Object.assign(globals, {
    sessionStorage: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v), removeItem: (k: string) => void stored.delete(k) },
    addEventListener: page.addEventListener.bind(page),
    removeEventListener: page.removeEventListener.bind(page),
  });
  try {
    const url = 'wss://api.example.com/ws';
    const before = resumeFeature({ persist: true })!;
    before.keeps!(10, url);
    const wire: Frame[] = [];
    const first: AttemptHandle = { role: 'live', send: (frame) => wire.push(frame) > 0 };
    before.offer!(first, ['chat.v1']);
    before.admit!(first, () => {}, () => {});
    before.receive!(first, session(ID, 'new'));
    before.write!(first, app(1));
    before.write!(first, app(2));
    assert.equal(before.receive!(first, app(1)), app(1));
    page.dispatchEvent(new Event('pagehide'));
    assert.deepEqual(JSON.parse(stored.get(`authsocket:resume:${url}`)!), { id: ID, received: 1, sent: 2, kept: [app(1), app(2)] });
    assert.equal(before.receive!(first, app(2)), undefined, 'after pagehide nothing more is delivered (it would not be saved)');
    assert.equal(before.write!(first, app(3)), true, 'what is sent after pagehide goes out...');
    assert.deepEqual(JSON.parse(stored.get(`authsocket:resume:${url}`)!).kept, [app(1), app(2), app(3)], '...and is saved too');

    const after = resumeFeature({ persist: true })!; // the reloaded page
    after.keeps!(10, url);
    assert.equal(stored.size, 0, 'taken, not left for another page');
    const sent: Frame[] = [];
    const next: AttemptHandle = { role: 'live', send: (frame) => sent.push(frame) > 0 };
    assert.deepEqual(after.offer!(next, ['chat.v1']), [`authsocket.resume.${ID}.1`]);
    const opened: unknown[] = [];
    after.admit!(next, (extra) => opened.push(extra), () => {});
    after.receive!(next, session(ID, 'resumed', 1));
    assert.deepEqual(opened, [{ session: 'resumed' }]);
    assert.deepEqual(sent, [app(2), app(3)], 'what the gate lacked goes again, once');
    assert.equal(after.receive!(next, app(2)), app(2), 'the replay continues after what the old page got');
  } finally {
    for (const name of ['sessionStorage', 'addEventListener', 'removeEventListener']) delete globals[name];
  }
});
