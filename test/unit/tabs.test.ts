// `shared` in Node: the option is checked; without Web Locks the instance keeps
// its own connection; with a fake LockManager (and Node's BroadcastChannel) two
// instances share one fake connection, and a follower's frames survive the
// leader going away before it wrote them.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { AuthSocket, AuthSocketError, type AuthSocketOptions } from '../../src/index.ts';
import { eventually, FAST, FakeWebSocket, untilState } from './fake-websocket.ts';

type Msg = { from?: string; n?: number };

const sockets: AuthSocket<Msg>[] = [];
const create = (options: AuthSocketOptions<Msg> = {}) => {
  const socket = new AuthSocket<Msg>('wss://api.example.com/ws', { WebSocket: FakeWebSocket, reconnect: FAST, ...options });
  sockets.push(socket);
  return socket;
};

/** One exclusive lock per name, granted in request order (enough of `navigator.locks` for the tab group). */
class FakeLocks {
  #queues = new Map<string, Array<{ run(): void }>>();
  #held = new Map<string, () => void>();
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = {
        run: () => {
          options.signal?.removeEventListener('abort', abort);
          this.#held.set(name, () => this.#next(name));
          void callback().then(() => this.#held.get(name)?.()).then(resolve);
        },
      };
      const abort = () => {
        const queue = this.#queues.get(name) ?? [];
        if (queue.includes(entry)) queue.splice(queue.indexOf(entry), 1);
        reject(new DOMException('aborted', 'AbortError'));
      };
      options.signal?.addEventListener('abort', abort);
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      queue.push(entry);
      if (!this.#held.has(name) && queue.length === 1) queueMicrotask(() => this.#grant(name));
    });
  }

  #next(name: string): void {
    this.#held.delete(name);
    this.#queues.get(name)?.shift();
    this.#grant(name);
  }

  #grant(name: string): void {
    const entry = this.#queues.get(name)?.[0];
    if (entry && !this.#held.has(name)) entry.run();
  }
}

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
  delete (globalThis as { navigator?: unknown }).navigator;
  FakeWebSocket.reset();
});

test('shared must be a boolean or a non-empty group name', () => {
  for (const shared of ['', 1, {}] as unknown[]) {
    assert.throws(() => create({ shared: shared as string, startClosed: true }), (e) => e instanceof AuthSocketError && e.code === 'INVALID_OPTIONS');
  }
});

test('without Web Locks (Node), shared is ignored: the instance leads its own connection', async () => {
  const socket = create({ shared: true });
  assert.equal(socket.leader, true);
  (await FakeWebSocket.nth(0)).open();
  await untilState(socket, 'open');
});

test('with Web Locks: one connection for two instances; a follower\'s frames sent once, in order, across a change of leader', async () => {
  const locks = new FakeLocks();
  Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
  let calls = 0;
  const options: AuthSocketOptions<Msg> = { shared: 'g', auth: { via: 'subprotocol', token: () => `t${++calls}` } };
  const first = create(options);
  (await FakeWebSocket.nth(0)).open();
  await untilState(first, 'open');
  const second = create(options);
  await untilState(second, 'open');
  assert.deepEqual([first.leader, second.leader, calls, FakeWebSocket.instances.length], [true, false, 1, 1]);

  second.send({ from: 'b', n: 0 });
  await eventually(() => FakeWebSocket.instances[0]!.sent.length === 1, 'the relayed frame');
  // The leader resigns; what follows waits in the follower until the next leader writes it.
  const lost = FakeWebSocket.instances[0]!;
  first.close();
  assert.equal(lost.readyState === FakeWebSocket.OPEN, false);
  second.send({ from: 'b', n: 1 });
  second.send({ from: 'b', n: 2 });
  const next = await FakeWebSocket.nth(1);
  next.open();
  await untilState(second, 'open');
  await eventually(() => next.sent.length === 2, 'frames kept by the follower');
  assert.deepEqual(next.sent.map((frame) => JSON.parse(frame as string).n), [1, 2]);
  assert.equal(second.leader, true);
  assert.equal(calls, 2);
});

test('an instance that leads a second time counts each follower\'s frames afresh (none waits for ever)', async () => {
  const locks = new FakeLocks();
  Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
  const options: AuthSocketOptions<Msg> = { shared: 'g', auth: { via: 'subprotocol', token: () => 't' } };
  const sent = (nth: number) => FakeWebSocket.instances[nth]!.sent.map((frame) => JSON.parse(frame as string).n);
  const a = create(options);
  (await FakeWebSocket.nth(0)).open();
  await untilState(a, 'open');
  const b = create(options);
  const f = create(options);
  await untilState(b, 'open');
  await untilState(f, 'open');
  f.send({ n: 1 });
  f.send({ n: 2 });
  await eventually(() => sent(0).length === 2, 'f\'s frames written by a');

  // a leaves (b leads and writes f's next frames), then rejoins behind b; f rejoins behind a.
  a.close();
  f.send({ n: 3 });
  f.send({ n: 4 });
  (await FakeWebSocket.nth(1)).open();
  await eventually(() => sent(1).length === 2, 'f\'s frames written by b');
  f.close();
  a.open();
  f.open();
  await untilState(a, 'open');
  await untilState(f, 'open');

  // b leaves: a leads again, and f's frame 5 must not wait for a frame 3 that b wrote long ago.
  b.close();
  (await FakeWebSocket.nth(2)).open();
  await untilState(a, 'open');
  assert.equal(a.leader, true);
  f.send({ n: 5 });
  await eventually(() => sent(2).length === 1, 'f\'s frame written by a, leading again');
  assert.deepEqual([sent(0), sent(1), sent(2)], [[1, 2], [3, 4], [5]]);
});

test('with resume: the next leader continues the session from its copy; the leader\'s close() leaves it, the last close() ends it', async () => {
  const locks = new FakeLocks();
  Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
  const ID = 'AbCdEfGhIjKlMnOpQrStUv';
  const answer = (status: string, received: number) => JSON.stringify({ $: 'session', id: ID, status, received });
  const options: AuthSocketOptions<Msg> = { shared: 'g', resume: true, auth: { via: 'subprotocol', token: () => 't' } };
  const a = create(options);
  const first = await FakeWebSocket.nth(0);
  first.open();
  first.receive(answer('new', 0));
  await untilState(a, 'open');
  const b = create(options);
  await untilState(b, 'open');
  const got: Msg[] = [];
  b.on('message', (msg) => got.push(msg));
  first.receive({ n: 1 });
  first.receive({ n: 2 });
  await eventually(() => got.length === 2, 'two messages relayed');
  b.send({ from: 'b', n: 1 }); // written by a, not acknowledged by the gate
  await eventually(() => first.sent.length === 1, 'the relayed frame');

  a.close();
  assert.equal(first.sent.includes('{"$":"end"}'), false, 'a hands the session over: no end');
  const next = await FakeWebSocket.nth(1);
  assert.equal(next.protocols.at(-1), `authsocket.resume.${ID}.2`, 'b continues with what it delivered');
  next.open();
  next.receive(answer('resumed', 0)); // the gate lacks b's frame
  await untilState(b, 'open');
  assert.deepEqual(next.sentMessages, [{ from: 'b', n: 1 }], 'sent again, once');
  next.receive({ n: 3 });
  await eventually(() => got.length === 3, 'the next message');
  assert.deepEqual(got.map((msg) => msg.n), [1, 2, 3]);
  b.close();
  assert.equal(next.sent.at(-1), '{"$":"end"}', 'the last instance ends the session');
});
