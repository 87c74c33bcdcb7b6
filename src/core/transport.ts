// The only module that knows reconnecting-websocket (RWS). It drives RWS's
// connect loop and works around its defects, measured with version 4.4.0:
// - a url function that throws/rejects, or a WebSocket constructor that throws,
//   sticks RWS's connect lock forever → neither can happen here: `nextAttempt`
//   never rejects and the socket factory catches constructor errors;
// - RWS flushes its own queue before open listeners → its queue is off
//   (`maxEnqueuedMessages: 0`) and frames go straight to the attempt's socket;
// - RWS's protocols are static → a socket factory applies each attempt's plan;
// - RWS reports a failed attempt as a synthetic clean close 1000 → the attempt's
//   real events come from the socket itself;
// - RWS's own delays have no jitter → RWS waits 0 ms and `nextAttempt` waits;
// - a backoff timer still fires after `close()` → a stopped transport answers
//   nothing and is never reused.
import ReconnectingWebSocket from 'reconnecting-websocket';
import type { AttemptPlan, Ending } from '../wire.ts';
import type { Frame, WebSocketConstructorLike, WebSocketLike } from '../types.ts';

export type { Ending };

export interface TransportHandlers {
  /** Waits as long as the client wants, then plans the next attempt; `undefined` stops. Never rejects. */
  nextAttempt(): Promise<AttemptPlan | undefined>;
  onOpen(): void;
  onMessage(data: string | ArrayBuffer): void;
  onEnd(ending: Ending): void;
}

export interface TransportOptions {
  WebSocket: WebSocketConstructorLike;
  /** ms an attempt may take to open before it is given up. */
  connectionTimeout: number;
}

interface AttemptRecord {
  ended: boolean;
  opened: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

// RWS must not time attempts (we do) and setTimeout treats Infinity as 0.
const NEVER = 2 ** 31 - 1;

/** A self-reconnecting connection whose every attempt is planned by `handlers.nextAttempt`. */
export class Transport {
  readonly #handlers: TransportHandlers;
  readonly #rws: ReconnectingWebSocket;
  #socket: WebSocketLike | undefined;
  #attempt: AttemptRecord | undefined;
  #stopped = false;

  constructor(handlers: TransportHandlers, options: TransportOptions) {
    this.#handlers = handlers;
    let plan: AttemptPlan | undefined;
    // RWS calls `new WebSocket(url)`: a plain function (arrows cannot be `new`ed)
    // whose returned socket becomes the result.
    const transport = this;
    const openSocket = function (url: string) {
      return transport.#openSocket(options, plan!, url);
    };
    // RWS checks `CLOSING === 2` to recognise a WebSocket class (the only constant it reads from it).
    Object.assign(openSocket, { CLOSING: 2 });
    this.#rws = new ReconnectingWebSocket(
      async () => {
        plan = this.#stopped ? undefined : await handlers.nextAttempt().catch(() => undefined);
        if (!plan || this.#stopped) {
          this.stop();
          return 'ws://stopped.invalid'; // never opened: RWS checks close() before connecting
        }
        return plan.url;
      },
      undefined,
      {
        WebSocket: openSocket,
        minReconnectionDelay: 0,
        maxReconnectionDelay: 0,
        connectionTimeout: NEVER,
        // RWS arms a `minUptime` timer on every open and overwrites it without
        // clearing when an open listener reconnects at once: with 0 it has
        // already fired, so none is left behind (the retry count it resets is unused).
        minUptime: 0,
        maxRetries: Infinity,
        maxEnqueuedMessages: 0,
      },
    );
    // RWS re-applies its own binaryType ('blob' by default) to every socket, on creation and on open.
    this.#rws.binaryType = 'arraybuffer';
  }

  /** Sends on the open socket; `false` when there is none (the caller keeps the frame). */
  send(frame: Frame): boolean {
    if (this.#stopped || !this.#attempt?.opened || this.#attempt.ended || this.#socket?.readyState !== 1) return false;
    this.#socket.send(frame);
    return true;
  }

  /** Gives the current socket up now (without waiting for its close) and goes on to the next attempt. */
  drop(code: number, reason: string): void {
    this.#abandon(code, reason, code);
  }

  /** Ends the attempt as `reportedCode` and closes its socket with `closeCode`. */
  #abandon(reportedCode: number, reason: string, closeCode: number, noSubprotocol?: boolean): void {
    if (this.#stopped || !this.#attempt || this.#attempt.ended) return;
    const { opened } = this.#attempt;
    this.#end({ code: reportedCode, reason, wasClean: false, opened, local: true, ...(noSubprotocol ? { noSubprotocol } : {}) });
    // The client may have stopped this transport while handling the ending.
    if (!this.#stopped) this.#rws.reconnect(closeCode, reason);
  }

  /** Closes for good: no event, attempt or `nextAttempt` call follows. */
  stop(code = 1000, reason = ''): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#attempt) {
      clearTimeout(this.#attempt.timer);
      this.#attempt.ended = true;
    }
    this.#rws.close(code, reason);
  }

  #openSocket(options: TransportOptions, plan: AttemptPlan, url: string): WebSocketLike {
    const attempt: AttemptRecord = { ended: false, opened: false };
    this.#attempt = attempt;
    let socket: WebSocketLike;
    try {
      socket = plan.headers
        ? new options.WebSocket(url, plan.protocols, { headers: plan.headers })
        : new options.WebSocket(url, plan.protocols);
    } catch {
      // A throwing constructor would stick RWS's connect lock: fail this attempt
      // asynchronously instead and hand RWS an inert stand-in. It reads as
      // CONNECTING so that RWS's reconnect() clears its own timers (a CLOSED one
      // would skip that and leak one).
      setTimeout(() => {
        if (this.#attempt !== attempt || attempt.ended) return;
        this.#end({ code: 1006, reason: 'the WebSocket constructor threw', wasClean: false, opened: false, local: true });
        if (!this.#stopped) this.#rws.reconnect();
      });
      this.#socket = undefined;
      return inertStandIn;
    }
    this.#socket = socket;
    // A handshake that never completes ends like any failed one (1006); the
    // socket itself can only be closed with 1000.
    attempt.timer = setTimeout(() => {
      if (!attempt.opened) this.#abandon(1006, 'connection timeout', 1000);
    }, options.connectionTimeout);

    const current = () => this.#attempt === attempt && !attempt.ended && !this.#stopped;
    socket.addEventListener('open', () => {
      if (!current()) return;
      clearTimeout(attempt.timer);
      // Chromium fails a connection whose server selected none of the offered
      // subprotocols; Firefox and WebKit open it with protocol ''. Fail it here
      // too, as never opened, so that every engine behaves the same.
      if (plan.protocols.length > 0 && socket.protocol === '') {
        return this.#abandon(1006, 'the server selected no subprotocol', 1000, true);
      }
      attempt.opened = true;
      this.#handlers.onOpen();
    });
    socket.addEventListener('message', (event: { data: string | ArrayBuffer }) => {
      if (current()) this.#handlers.onMessage(event.data);
    });
    // A browser fires `error` only when the connection fails, always followed by
    // `close` 1006; RWS reacts to the error at once, so the attempt ends here.
    socket.addEventListener('error', () => {
      if (current()) this.#end({ code: 1006, reason: '', wasClean: false, opened: attempt.opened, local: false });
    });
    socket.addEventListener('close', (event: { code: number; reason: string; wasClean: boolean }) => {
      if (current()) {
        this.#end({ code: event.code, reason: event.reason, wasClean: event.wasClean, opened: attempt.opened, local: false });
      }
    });
    return socket;
  }

  #end(ending: Ending): void {
    const attempt = this.#attempt!;
    attempt.ended = true;
    clearTimeout(attempt.timer);
    this.#handlers.onEnd(ending);
  }
}

const inertStandIn: WebSocketLike = {
  readyState: 0,
  binaryType: 'arraybuffer',
  send() {},
  close() {},
  addEventListener() {},
  removeEventListener() {},
};
