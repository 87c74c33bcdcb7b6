// A scriptable stand-in for the browser's WebSocket, passed as `options.WebSocket`
// so the client's behaviour can be driven from Node without a server. Each test
// plays the server: `open()`, `receive(text)`, `serverClose(code, reason)`, `fail()`.
import type { AuthSocket } from '../../src/index.ts';
import type { AuthSocketEvents } from '../../src/types.ts';

type Listener = (event: any) => void;

export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  /** Every socket constructed since the last `reset()`, in order. */
  static instances: FakeWebSocket[] = [];
  /** How many of the next constructions throw (like a browser refusing a bad URL or protocol list). */
  static throwOnConstruct = 0;
  static #waiters = new Set<() => void>();

  static reset(): void {
    FakeWebSocket.instances = [];
    FakeWebSocket.throwOnConstruct = 0;
    FakeWebSocket.#waiters.clear();
  }

  /** Resolves with the `index`-th socket (0-based) once constructed; rejects after `timeoutMs`. */
  static nth(index: number, timeoutMs = 2000): Promise<FakeWebSocket> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const socket = FakeWebSocket.instances[index];
        if (!socket) return false;
        clearTimeout(timer);
        FakeWebSocket.#waiters.delete(check);
        resolve(socket);
        return true;
      };
      const timer = setTimeout(() => {
        FakeWebSocket.#waiters.delete(check);
        reject(new Error(`FakeWebSocket #${index} was not constructed within ${timeoutMs} ms (have ${FakeWebSocket.instances.length})`));
      }, timeoutMs);
      if (!check()) FakeWebSocket.#waiters.add(check);
    });
  }

  /** The most recent socket. */
  static get last(): FakeWebSocket | undefined {
    return FakeWebSocket.instances.at(-1);
  }

  readonly url: string;
  readonly protocols: string[];
  readonly options: { headers?: Record<string, string> } | undefined;
  readyState = FakeWebSocket.CONNECTING;
  /** The subprotocol the server selected: `''` until open. */
  protocol = '';
  binaryType = 'blob';
  /** Frames the client sent, in order. */
  readonly sent: unknown[] = [];
  /** Calls of `close()` by the client. */
  readonly closeCalls: Array<{ code: number | undefined; reason: string | undefined }> = [];
  /** When false, a client `close()` never completes (a dead peer leaves the socket CLOSING). */
  completeClose = true;
  #listeners = new Map<string, Listener[]>();

  constructor(url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) {
    if (FakeWebSocket.throwOnConstruct > 0) {
      FakeWebSocket.throwOnConstruct -= 1;
      FakeWebSocket.instances.push(this); // counted, so tests see the attempt
      this.readyState = FakeWebSocket.CLOSED;
      this.url = url;
      this.protocols = [];
      this.options = options;
      FakeWebSocket.#notify();
      throw new SyntaxError('FakeWebSocket: constructor failure');
    }
    this.url = url;
    this.protocols = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : [...protocols];
    this.options = options;
    FakeWebSocket.instances.push(this);
    FakeWebSocket.#notify();
  }

  static #notify(): void {
    for (const waiter of [...FakeWebSocket.#waiters]) waiter();
  }

  addEventListener(type: string, listener: Listener): void {
    const list = this.#listeners.get(type) ?? [];
    list.push(listener);
    this.#listeners.set(type, list);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, (this.#listeners.get(type) ?? []).filter((candidate) => candidate !== listener));
  }

  listenerCount(type: string): number {
    return this.#listeners.get(type)?.length ?? 0;
  }

  send(data: unknown): void {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error(`FakeWebSocket: send() in readyState ${this.readyState}`);
    this.sent.push(data);
  }

  /** Frames sent as text, parsed as JSON when possible. */
  get sentMessages(): unknown[] {
    return this.sent.map((frame) => {
      if (typeof frame !== 'string') return frame;
      try {
        return JSON.parse(frame);
      } catch {
        return frame;
      }
    });
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState === FakeWebSocket.CLOSING || this.readyState === FakeWebSocket.CLOSED) return;
    this.readyState = FakeWebSocket.CLOSING;
    // A real close completes after the server answers: asynchronously.
    if (this.completeClose) {
      setTimeout(() => {
        if (this.readyState === FakeWebSocket.CLOSED) return;
        this.readyState = FakeWebSocket.CLOSED;
        this.#dispatch('close', { code: code ?? 1005, reason: reason ?? '', wasClean: true });
      }, 0);
    }
  }

  // ── the server's side ───────────────────────────────────────────────────

  /** The handshake succeeded; the server selects `protocol` (default: the first offered, as a good server does). */
  open({ protocol = this.protocols[0] ?? '' }: { protocol?: string } = {}): void {
    if (this.readyState !== FakeWebSocket.CONNECTING) throw new Error(`FakeWebSocket: open() in readyState ${this.readyState}`);
    this.readyState = FakeWebSocket.OPEN;
    this.protocol = protocol;
    this.#dispatch('open', {});
  }

  /** A text frame from the server; objects are sent as JSON. */
  receive(data: string | object): void {
    this.#dispatch('message', { data: typeof data === 'string' ? data : JSON.stringify(data) });
  }

  /** The server closed the connection with `code`. */
  serverClose(code: number, reason = ''): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.#dispatch('close', { code, reason, wasClean: true });
  }

  /** The connection failed: `error`, then `close` 1006 (what a browser shows for any network failure). */
  fail(): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.#dispatch('error', { message: 'FakeWebSocket: failure' });
    this.#dispatch('close', { code: 1006, reason: '', wasClean: false });
  }

  #dispatch(type: string, init: object): void {
    const event = { type, target: this, ...init };
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}

/** Resolves with the next `type` event of `socket`; rejects after `timeoutMs`. */
export function nextEvent<In, K extends keyof AuthSocketEvents<In>>(
  socket: AuthSocket<In, any>,
  type: K,
  timeoutMs = 2000,
): Promise<AuthSocketEvents<In>[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no '${String(type)}' event within ${timeoutMs} ms (state ${socket.state})`));
    }, timeoutMs);
    const off = socket.once(type, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Resolves once `socket.state` is `state` (at once if it already is); rejects after `timeoutMs`. */
export function untilState(socket: AuthSocket<any, any>, state: AuthSocket['state'], timeoutMs = 2000): Promise<void> {
  if (socket.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`state did not become '${state}' within ${timeoutMs} ms (is '${socket.state}')`));
    }, timeoutMs);
    const off = socket.on('state', ({ to }) => {
      if (to !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Records every event of `socket` as `[type, payload]`, in order. */
export function recordEvents(socket: AuthSocket<any, any>): Array<[string, any]> {
  const log: Array<[string, any]> = [];
  const types = ['connecting', 'open', 'message', 'close', 'reconnecting', 'unauthorized', 'error', 'state', 'reauthenticated'] as const;
  for (const type of types) socket.on(type, (payload: unknown) => log.push([type, payload]));
  return log;
}

/** A bounded wait for negative assertions ("nothing happens for `ms`"); never for synchronisation. */
export const quietFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Fast reconnects for tests. */
export const FAST = { minDelay: 1, maxDelay: 5 } as const;

/**
 * Records the timers created from now on that are still pending (not fired, not
 * cleared). `release()` restores the real functions and unrefs what is left, so
 * that a leak fails its test instead of keeping the test process alive.
 */
export function trackTimers(): { pending(): Array<{ ms: number; stack: string }>; release(): void } {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const live = new Map<unknown, { ms: number; stack: string }>();
  (globalThis as any).setTimeout = (fn: (...args: any[]) => void, ms?: number, ...args: any[]) => {
    const handle: any = realSet((...a: any[]) => {
      live.delete(handle);
      fn(...a);
    }, ms, ...args);
    live.set(handle, { ms: ms ?? 0, stack: new Error().stack!.split('\n').slice(2, 5).join('\n') });
    return handle;
  };
  (globalThis as any).clearTimeout = (handle: any) => {
    live.delete(handle);
    realClear(handle);
  };
  return {
    pending: () => [...live.entries()].filter(([handle]) => (handle as NodeJS.Timeout).hasRef()).map(([, info]) => info),
    release: () => {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
      for (const handle of live.keys()) (handle as NodeJS.Timeout).unref();
    },
  };
}

/** `promise`, or a rejection naming `what` after `timeoutMs`; the timer never outlives it. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = 2000): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once `predicate()` holds (checked every 5 ms); rejects naming `what` after `timeoutMs`. */
export function eventually(predicate: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (predicate()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`${what}: not within ${timeoutMs} ms`));
      }
    }, 5);
  });
}
