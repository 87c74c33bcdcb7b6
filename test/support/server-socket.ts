// A `ws` client that keeps everything it hears: its frames (parsed JSON), its
// close code and reason, and bounded waits for both.
import { WebSocket, type ClientOptions } from 'ws';
import { ORIGIN } from './server-gate.ts';
import { within } from './server-timeout.ts';

export interface Listening {
  ws: WebSocket;
  inbox: any[];
  /** Resolves once `count` frames arrived. */
  next(count: number, ms?: number): Promise<void>;
  closed: Promise<{ code: number; reason: string; at: number }>;
  isOpen(): boolean;
}

export async function listen(url: string, protocols: string[] = [], options: ClientOptions = {}): Promise<Listening> {
  const ws = new WebSocket(url, protocols, { origin: ORIGIN, ...options });
  const inbox: any[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    inbox.push(JSON.parse(data.toString()));
    waiters.splice(0).forEach((wake) => wake());
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })));
  await within(new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
  }), 3_000, 'open');
  const next = (count: number, ms = 3_000) => within(new Promise<void>((resolve) => {
    const check = () => (inbox.length >= count ? resolve() : waiters.push(check));
    check();
  }), ms, `${count} frames (have ${JSON.stringify(inbox)})`);
  return { ws, inbox, next, closed, isOpen: () => ws.readyState === ws.OPEN };
}

/** An unsigned JWT-shaped token (`verify` in tests does not check signatures). */
export function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.sig`;
}

/** Resolves once `predicate()` holds (polled every 5 ms); rejects after `ms`, and then stops polling. */
export function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + ms;
    const check = () => {
      if (predicate()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out after ${ms} ms: ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}
