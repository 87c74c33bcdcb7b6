// Numbered traffic both ways for the resume tests that drive the authsocket
// client (on Node's `ws`) against gates running test/server/resume-app.ts.
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { AuthSocket } from '../../src/index.ts';
import { nextEvent } from '../support/interop/client.ts';

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
