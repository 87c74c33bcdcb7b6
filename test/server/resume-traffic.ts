// Numbered traffic both ways for the resume tests that drive the authsocket
// client (on Node's `ws`) against gates running test/server/resume-app.ts.
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { AuthSocket } from '../../src/index.ts';
import { nextEvent, untilState } from '../support/interop/client.ts';
import { until } from '../support/server-socket.ts';

export type Msg = { type: string; n?: number; count?: number; every?: number; got?: number[] };
export const COUNT = 300;
export const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

/** A client with `resume`, recording its `open` statuses and the app's stream numbers. */
export function resumeClient(url: string, options: Record<string, unknown> = {}) {
  const socket = new AuthSocket<Msg, Msg>(url, {
    WebSocket: WebSocket as never,
    auth: { via: 'subprotocol', token: 'good' },
    resume: true,
    reconnect: { minDelay: 20, maxDelay: 100 },
    ...options,
  });
  const sessions: string[] = [];
  const stream: number[] = [];
  socket.on('open', ({ session }) => sessions.push(session!));
  socket.on('message', (msg) => msg.type === 's' && stream.push(msg.n!));
  return { socket, sessions, stream };
}

/** Asks the app to stream 1…COUNT every `every` ms while sending n = 1…COUNT as often; resolves when all were sent. */
export function traffic(socket: AuthSocket<Msg, Msg>, every = 4): Promise<void> {
  socket.send({ type: 'stream', count: COUNT, every });
  let n = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      socket.send({ type: 'n', n: ++n });
      if (n === COUNT) {
        clearInterval(timer);
        resolve();
      }
    }, every);
  });
}

export const streamReaches = (socket: AuthSocket<Msg, Msg>, n: number, ms = 15_000) =>
  nextEvent<Msg>(socket, 'message', ms, (msg) => msg.type === 's' && msg.n! >= n);

/** What the app recorded of the client's numbers, in order. */
export async function report(socket: AuthSocket<Msg, Msg>): Promise<number[]> {
  const answer = nextEvent<Msg>(socket, 'message', 10_000, (msg) => msg.type === 'report');
  socket.send({ type: 'report' });
  return (await answer).got!;
}

/**
 * Numbered traffic both ways, `interrupt` called each time the client has got
 * the app's number `at[i]`; then asserts that every number arrived exactly
 * once and in order both ways.
 */
export async function assertExactlyOnceAcross(socket: AuthSocket<Msg, Msg>, stream: number[], at: number[], interrupt: () => void): Promise<void> {
  const sent = traffic(socket);
  for (const n of at) {
    await streamReaches(socket, n);
    interrupt();
  }
  await sent;
  if (stream.length < COUNT) await streamReaches(socket, COUNT);
  assert.deepEqual(await report(socket), range(COUNT), 'the app got every number once, in order');
  assert.deepEqual(stream, range(COUNT), 'the client got every number once, in order');
}

/**
 * The instance serving `client` is killed mid-stream (`kill` does it after 100
 * stream numbers and names it): the session continues on another instance
 * (`open` says resumed), every client number reached an app at least once
 * (`gotLines`: the numbers the apps logged; the Redis record `report` gives
 * comes first, so their logs are awaited, bounded), and the client got every
 * number in order. What arrived twice is printed, and at most 2 on the client.
 */
export async function assertKilledInstanceContinues(
  { socket, sessions, stream }: ReturnType<typeof resumeClient>,
  kill: () => string,
  gotLines: () => number[],
): Promise<void> {
  await untilState(socket, 'open', 10_000);
  const sent = traffic(socket, 3);
  await streamReaches(socket, 100);
  const serving = kill();
  const at = stream.length;
  await sent;
  if (stream.length < COUNT) await streamReaches(socket, COUNT, 30_000);
  const recorded = await report(socket);
  await until(() => recorded.every((n) => gotLines().includes(n)), 5_000, 'the apps\' logs').catch(() => {});
  const seen = gotLines();
  const twice = (list: number[]) => list.filter((n, i) => list.indexOf(n) !== i).length;
  const missing = (list: number[]) => range(COUNT).filter((n) => !list.includes(n)).length;
  console.log(`# killed instance ${serving} with ${at} stream numbers received: sessions ${sessions.join(',')}; ` +
    `client→apps: ${twice(seen)} delivered twice, ${missing(seen)} missing (apps' Redis record: ${twice(recorded)} twice, ${missing(recorded)} missing); ` +
    `apps→client: ${twice(stream)} twice, ${missing(stream)} missing`);
  assert.deepEqual(sessions, ['new', 'resumed'], 'the other instance had the session');
  assert.equal(missing(seen), 0, 'every client number reached an app (at least once)');
  assert.deepEqual([...new Set(stream)], range(COUNT), 'the client got every number, in order');
  // Session frames are delivered once; the app's own stream position may trail its last frame at the kill
  // (recorded just after it), and the app on the other instance then sends that number again.
  assert.ok(twice(stream) <= 2, `${twice(stream)} numbers twice`);
}

/** `auth` whose credential `token` lasts 1 s: a make-before-break refresh every ~500 ms. */
export const shortLivedAuth = (token: string) => ({ via: 'subprotocol', token: async () => ({ token, expiresAt: Date.now() + 1_000 }) });

/** Records `socket`'s switches (`reauthenticated`) and error messages. */
export function recordRefreshes(socket: AuthSocket<Msg, Msg>): { switches: string[]; errors: string[] } {
  const switches: string[] = [];
  const errors: string[] = [];
  socket.on('reauthenticated', ({ via }) => switches.push(via));
  socket.on('error', (error) => errors.push(error.message));
  return { switches, errors };
}
