// The session socket: what the app gets on `connection` when the client speaks
// resume. It is the `ws` subset apps use and stays the same object across the
// session's connections; it owns the session's counts, the frames the client
// has not acknowledged, and the timers (acknowledgement, window).
import type { FrameData, GateSocket } from '../core/runtime.ts';
import { RESUME_ACK_DELAY, RESUME_MOVED, RESUME_UNCOUNTED, type ResumeStatus } from '../../wire.ts';
import { ackFrame, ASK_FRAME, encodeAppFrame, readClientFrame, sendFrame, sessionFrame, storedFrame, TextBytes, type WireFrame } from './frames.ts';
import { SessionEvents } from './sessionEvents.ts';
import { recordsFrames, type SessionLimits, type SessionState, type SessionStore } from './store.ts';

/** What a session socket needs from its gate. */
export interface SessionDeps {
  store: SessionStore;
  limits: SessionLimits;
  /** Closes a connection with `code`, cutting it if the peer does not answer in time (at once for 1006); settles once it closed. */
  closeSocket(link: GateSocket, code: number, reason: string): Promise<void>;
  /** The session ended or moved away: the gate forgets it. */
  forget(session: SessionSocket): void;
}

/** Why a session socket emits `close` without the app asking. */
export const SESSION_CLOSE = {
  /** The client called `close()` (its `end` frame), or the app `close()` without a code. */
  normal: { code: 1000, reason: '' },
  /** No connection came back within `window`. */
  expired: { code: 1001, reason: 'session window passed' },
  /** The session continues on another gate instance (or connection of this one). */
  moved: RESUME_MOVED,
  /** The gate closed. */
  goingAway: { code: 1001, reason: 'gate closed' },
  /** The client lacks frames the gate no longer keeps (its buffer overflowed): it starts a new session. */
  lost: { code: 1001, reason: 'session lost' },
  /** The client broke the resume protocol. */
  malformed: { code: 1008, reason: 'malformed resume frame' },
} as const;


/**
 * A client's session, as the app sees it: `send`, `close`, `terminate`,
 * `readyState` and the events `message`, `close` (once, when the session
 * ends), `error`, `suspended` (the client's connection dropped; the session
 * waits `window` ms for it) and `resumed`. `send` while suspended is kept (up
 * to `maxBuffered` frames) and delivered when the client is back.
 *
 * @example
 * ```ts
 * gate.on('connection', (socket, user, req, { session }) => {
 *   socket.on('suspended', () => presence.away(user));
 *   socket.on('resumed', () => presence.back(user));
 *   socket.on('message', (data) => socket.send(`echo ${data}`));
 *   socket.on('close', () => presence.gone(user));
 * });
 * ```
 */
export class SessionSocket extends SessionEvents {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  #readyState: 0 | 1 | 2 | 3 = 1;
  #received: number;
  #sent: number;
  /** Frames numbered `#sent - #kept.length + 1` … `#sent`, not yet acknowledged. */
  #kept: WireFrame[];
  /** The client's acknowledgement we last sent. */
  #ackSent: number;
  #asked = false;
  #link: GateSocket | undefined;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #windowTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #deps: SessionDeps;
  /** Whether the store keeps each frame (another instance may continue the session), or only the owner does (in memory). */
  readonly #recordsFrames: boolean;

  /** @internal Made by the gate. */
  constructor(
    /** The session's id (22 base64url characters). */
    readonly session: string,
    /** @internal The user key the session is bound to. */
    readonly key: string,
    state: SessionState,
    deps: SessionDeps,
  ) {
    super();
    this.#received = state.received;
    this.#ackSent = state.received;
    this.#sent = state.sent;
    this.#kept = state.kept.slice(-deps.limits.maxBuffered);
    this.#deps = deps;
    this.#recordsFrames = recordsFrames(deps.store);
  }

  /** `OPEN` while the session lives (also while suspended), `CLOSED` once it ended. */
  get readyState(): 0 | 1 | 2 | 3 {
    return this.#readyState;
  }

  /** Whether the client's connection is there right now (`false` while suspended). */
  get connected(): boolean {
    return this.#link !== undefined;
  }

  /** Bytes queued on the current connection (0 while suspended). */
  get bufferedAmount(): number {
    return (this.#link as { bufferedAmount?: number } | undefined)?.bufferedAmount ?? 0;
  }

  /**
   * Sends an app message, now or, while the client is away, when it is back.
   * Strings go as text frames, bytes as binary ones (`{ binary }` overrides).
   */
  send(data: unknown, options?: { binary?: boolean } | ((error?: Error) => void), callback?: (error?: Error) => void): void {
    const cb = typeof options === 'function' ? options : callback;
    const binary = typeof options === 'object' ? options?.binary : undefined;
    if (this.#readyState !== this.OPEN) {
      if (cb) queueMicrotask(() => cb(new Error(`WebSocket is not open: readyState ${this.#readyState} (${['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'][this.#readyState]})`)));
      return;
    }
    let frame: WireFrame;
    try {
      frame = encodeAppFrame(toWireFrame(data, binary));
    } catch (error) {
      if (cb) queueMicrotask(() => cb(error as Error));
      return;
    }
    const n = ++this.#sent;
    this.#kept.push(frame);
    // Bounded: past `maxBuffered` the oldest goes, and a client lacking it gets `lost`.
    if (this.#kept.length > this.#deps.limits.maxBuffered) this.#kept.shift();
    if (this.#recordsFrames) this.#deps.store.sent(this.session, n, storedFrame(frame));
    const link = this.#link;
    if (link) sendFrame(link, frame);
    if (cb) queueMicrotask(() => cb());
    if (link && !this.#asked && this.#kept.length >= this.#deps.limits.maxBuffered / 2) {
      this.#asked = true;
      sendFrame(link, ASK_FRAME);
    }
  }

  /** Ends the session: closes the client's connection with `code` (default 1000); `close` fires once. */
  close(code?: number, reason?: string): void {
    if (code !== undefined && !isValidCloseCode(code)) throw new TypeError('First argument must be a valid error code number');
    if (reason !== undefined && new TextEncoder().encode(reason).length > 123) throw new SyntaxError('The message must not be greater than 123 bytes');
    this.#finish(code ?? SESSION_CLOSE.normal.code, reason ?? '');
  }

  /** Ends the session at once, cutting the client's connection. */
  terminate(): void {
    if (this.#readyState >= this.CLOSING) return;
    const link = this.#link;
    this.#end();
    this.#deps.store.end(this.session);
    if (link) void this.#deps.closeSocket(link, 1006, '');
    this.#emitClose(1006, '');
  }

  /** @internal Whether a client that received `received` frames can continue: it lacks none we no longer keep. */
  canContinue(received: number): boolean {
    return this.#readyState === this.OPEN && received <= this.#sent && received >= this.#sent - this.#kept.length;
  }

  /**
   * @internal A connection of the client: answer it, replay what it lacks
   * (after `received`), then serve it. An older connection still there is
   * closed first.
   */
  connect(link: GateSocket, status: ResumeStatus, received: number): void {
    const wasSuspended = this.#link === undefined && this.#windowTimer !== undefined;
    if (this.#link) this.#dropLink(SESSION_CLOSE.moved);
    clearTimeout(this.#windowTimer);
    this.#windowTimer = undefined;
    this.#acknowledged(received);
    sendFrame(link, sessionFrame(this.session, status, this.#received));
    this.#ackSent = this.#received;
    for (const frame of this.#kept) sendFrame(link, frame);
    this.#link = link;
    if (wasSuspended) this.emit('resumed');
    // The connection may have gone while the gate was busy: the session waits for the next one.
    if (link.readyState !== OPEN) this.dropped(link);
  }

  /** @internal A frame of `link` (frames of a connection the session left are ignored). */
  frame(link: GateSocket, data: FrameData, isBinary: boolean): void {
    if (link !== this.#link) return;
    const frame = readClientFrame(data, isBinary);
    switch (frame.kind) {
      case 'app':
        this.#received += 1;
        this.#ackTimer ??= setTimeout(() => this.#sendAck(), RESUME_ACK_DELAY);
        this.emit('message', frame.data, frame.isBinary);
        // Recorded after the app had it: an instance that dies in between has the client send it again
        // (at least once), rather than count a frame its app never saw.
        this.#deps.store.received(this.session, this.#received);
        return;
      case 'ping':
        return sendFrame(link, RESUME_UNCOUNTED.PONG);
      case 'ask':
        return this.#sendAck();
      case 'ack':
        if (frame.n > this.#sent) return this.#finish(SESSION_CLOSE.malformed.code, SESSION_CLOSE.malformed.reason);
        return this.#acknowledged(frame.n);
      case 'end':
        return this.#finish(SESSION_CLOSE.normal.code, SESSION_CLOSE.normal.reason);
      case 'unknown':
        return;
      case 'malformed':
        return this.#finish(SESSION_CLOSE.malformed.code, SESSION_CLOSE.malformed.reason);
    }
  }

  /** @internal `link` closed: unless the session ended or left it, the session waits `window` for the next connection. */
  dropped(link: GateSocket): void {
    if (link !== this.#link) return;
    this.#link = undefined;
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    this.#deps.store.suspended(this.session);
    this.#windowTimer = setTimeout(() => this.#finish(SESSION_CLOSE.expired.code, SESSION_CLOSE.expired.reason), this.#deps.limits.window);
    this.emit('suspended');
  }

  /** @internal Another instance continues the session: stop serving it, hand over its state. */
  release(): SessionState | undefined {
    if (this.#readyState !== this.OPEN) return undefined;
    const state = { received: this.#received, sent: this.#sent, kept: this.#kept.map(storedFrame) };
    if (this.#link) this.#dropLink(SESSION_CLOSE.moved);
    this.#end();
    this.#emitClose(SESSION_CLOSE.moved.code, SESSION_CLOSE.moved.reason);
    return state;
  }

  /** @internal The gate closes: this instance stops serving the session (the store keeps it). */
  detach(): void {
    if (this.#readyState >= this.CLOSING) return;
    if (this.#link) this.#dropLink(SESSION_CLOSE.goingAway);
    this.#end();
    this.#emitClose(SESSION_CLOSE.goingAway.code, SESSION_CLOSE.goingAway.reason);
  }

  /** The client has the frames up to `n`: they need not be kept. */
  #acknowledged(n: number): void {
    const first = this.#sent - this.#kept.length + 1;
    if (n >= first) this.#kept.splice(0, n - first + 1);
    if (this.#kept.length < this.#deps.limits.maxBuffered / 2) this.#asked = false;
    this.#deps.store.acknowledged(this.session, n);
  }

  #sendAck(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    if (!this.#link || this.#ackSent === this.#received) return;
    this.#ackSent = this.#received;
    sendFrame(this.#link, ackFrame(this.#received));
  }

  /** Stops listening to the current connection and closes it. */
  #dropLink({ code, reason }: { code: number; reason: string }): void {
    const link = this.#link!;
    this.#link = undefined;
    void this.#deps.closeSocket(link, code, reason);
  }

  /** The session ends: the client's connection closes with `code`, the store forgets it, `close` fires. */
  #finish(code: number, reason: string): void {
    if (this.#readyState >= this.CLOSING) return;
    const link = this.#link;
    this.#end();
    this.#deps.store.end(this.session);
    if (!link) return this.#emitClose(code, reason);
    this.#readyState = this.CLOSING;
    void this.#deps.closeSocket(link, code, reason).then(() => this.#emitClose(code, reason));
  }

  /** No more frames, timers or connection; the gate forgets the session. */
  #end(): void {
    this.#readyState = this.CLOSING;
    this.#link = undefined;
    clearTimeout(this.#ackTimer);
    clearTimeout(this.#windowTimer);
    this.#ackTimer = this.#windowTimer = undefined;
    this.#kept = [];
    this.#deps.forget(this);
  }

  #emitClose(code: number, reason: string): void {
    this.#readyState = this.CLOSED;
    this.emit('close', code, reasonOf(reason));
  }
}

const OPEN = 1;

/**
 * Sends a frame as it travels: text as text, bytes as binary. A connection
 * that is closing may throw (some runtimes do): the frame is kept until
 * acknowledged, so the next connection gets it.
 */

/** The close reason as `ws` gives it (a Buffer) where there is one, else as text. */
function reasonOf(reason: string): unknown {
  const NodeBuffer = (globalThis as { Buffer?: { from(text: string): unknown } }).Buffer;
  return NodeBuffer ? NodeBuffer.from(reason) : reason;
}

/** Text stays text, bytes become a Uint8Array; `binary` says which the frame is. */
const utf8Encoder = new TextEncoder();

function toWireFrame(data: unknown, binary: boolean | undefined): WireFrame {
  let frame: WireFrame;
  if (typeof data === 'string') frame = data;
  else if (data instanceof ArrayBuffer) frame = new Uint8Array(data);
  else if (ArrayBuffer.isView(data)) frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else if (Array.isArray(data) && data.every((part) => ArrayBuffer.isView(part))) frame = joinBytes(data);
  else throw new TypeError('send: data must be a string, an ArrayBuffer or an ArrayBuffer view');
  if (binary === true && typeof frame === 'string') return utf8Encoder.encode(frame);
  if (binary === false && typeof frame !== 'string') return new TextBytes(frame);
  return frame;
}

function joinBytes(parts: readonly ArrayBufferView[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
    at += part.byteLength;
  }
  return joined;
}

/** The close codes `ws` lets a server send. */
function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}
