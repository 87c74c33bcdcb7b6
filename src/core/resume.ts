import { fail } from '../errors/AuthSocketError.ts';
import type { Frame, ResumeOptions } from '../types.ts';
import { type AttemptFeature, type AttemptHandle, attemptFeature, type SessionState, type SessionWatcher, type SharedSession } from './features.ts';
import {
  DEFAULT_APP_PROTOCOL,
  RESUME_ACK_DELAY,
  RESUME_CONTROL_PREFIX,
  RESUME_FRAME,
  RESUME_PROTOCOL,
  RESUME_SESSION_ID,
  RESUME_UNCOUNTED,
  type ResumeStatus,
} from '../wire.ts';

export type { ResumeStatus };

/**
 * One connection's part in the session, made when its attempt is planned (its
 * subprotocol entry says what the client has received so far) and dropped when
 * the connection ends. The core passes every frame in and out through it.
 */
export interface ResumeConnection {
  /** The entry the attempt offers last among its subprotocols. */
  readonly entry: string;
  /** The gate's answer, once its `session` frame arrived. */
  readonly status: ResumeStatus | undefined;
  /**
   * An incoming frame: what to decode and deliver (an escaped frame unwrapped),
   * or `undefined` for a control frame or an app frame already delivered on
   * another connection. Frames before the answer (`auth_ok`) pass uncounted.
   */
  read(data: string | ArrayBuffer): string | ArrayBuffer | undefined;
  /**
   * Writes an outgoing frame: after the answer, app frames are escaped when
   * they look like control frames, numbered and kept until acknowledged; the
   * heartbeat's ping and frames before the answer (the auth frame) pass as they
   * are. `false` when nothing was written (the caller keeps the frame).
   */
  write(frame: Frame): boolean;
  /** The connection ended: its pending acknowledgement waits for the next one. */
  end(): void;
}

/** A control frame as the gate sends it (`{"$":…}`); fields per `$`. */
interface ControlFrame {
  $: string;
  id?: unknown;
  status?: unknown;
  received?: unknown;
  n?: unknown;
  d?: unknown;
}

const STATUSES: readonly string[] = ['new', 'resumed', 'lost'] satisfies ResumeStatus[];

const control = (frame: Record<string, unknown>): string => JSON.stringify(frame);

/** A count from the wire: a whole number ≥ 0, else `undefined`. */
const count = (value: unknown): number | undefined => (Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined);

/**
 * The client's side of a `resume` session: one per socket, from its first
 * connection to `close()`. It numbers the app frames it sends (1, 2, 3… by
 * counting, nothing added to them) and keeps each until the gate acknowledges
 * it; it counts the app frames it receives, delivers each number once, and
 * acknowledges them at the latest {@link RESUME_ACK_DELAY} ms after the first
 * unacknowledged one (at once when asked). On each new connection the gate's
 * answer says how many frames it received: the kept frames it lacks go out
 * again, first, renumbered after them (all of them for a `lost` session).
 *
 * The kept frames count against `queue.max` with the queue ({@link kept}); at
 * half of it the client asks the gate for its acknowledgement.
 */
export class ResumeSession implements SharedSession {
  /** The session the gate gave; `undefined` before the first answer and after `close()`. */
  #id: string | undefined;
  /** App frames received in the session (the highest number delivered). */
  #received = 0;
  /** The last count this client acknowledged (or that the gate learned from an entry). */
  #acknowledged = 0;
  /** App frames sent in the session; the kept ones are the last `#kept.length`. */
  #sent = 0;
  #kept: Frame[] = [];
  /** The connection the session runs on: the last one answered. */
  #current: Connection | undefined;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #asked = false;
  /** The page is going away and its state was saved: nothing more is counted or delivered. */
  frozen = false;
  /** The tab group's leader passes every change on. */
  #watcher: SessionWatcher | undefined;
  /** Set while the answer resends: the watcher gets the whole state after. */
  #answering = false;
  /** `close()` leaves the session to another tab. */
  #handedOver = false;
  readonly #max: number;
  readonly #askAt: number;

  /** @param queueMax - `queue.max`: the kept frames and the queue share it */
  constructor(queueMax: number) {
    this.#max = queueMax;
    this.#askAt = Math.max(1, Math.ceil(queueMax / 2));
  }

  /** Frames sent but not acknowledged yet. */
  get kept(): number {
    return this.#kept.length;
  }

  /** The session id (for tests and `persist`); `undefined` before the first answer. */
  get id(): string | undefined {
    return this.#id;
  }

  get received(): number {
    return this.#received;
  }

  state(): SessionState | undefined {
    return this.#id ? { id: this.#id, received: this.#received, sent: this.#sent, kept: [...this.#kept] } : undefined;
  }

  take(state: SessionState | undefined): void {
    this.#forget();
    if (state) this.#restore(state);
  }

  watch(watcher: SessionWatcher | undefined): void {
    this.#watcher = watcher;
  }

  handOver(): void {
    this.#handedOver = true;
  }

  /**
   * A new connection's part, made when its attempt is planned: its entry asks to
   * continue the session (or to start one), with the count received so far.
   * @param send - writes a frame on that connection; `false` when it cannot
   * @param onAnswer - the gate's answer arrived (after its resend went out)
   */
  connect(send: (frame: Frame) => boolean, onAnswer: (status: ResumeStatus) => void): ResumeConnection {
    return new Connection(this, this.#id, this.#id ? this.#received : 0, send, onAnswer);
  }

  /** What a reload needs to continue the session; `undefined` before the first answer or with a binary frame kept. */
  snapshot(): ResumeSnapshot | undefined {
    const kept = this.#kept;
    if (!this.#id || !kept.every((frame) => typeof frame === 'string')) return undefined;
    return { id: this.#id, received: this.#received, sent: this.#sent, kept: kept as string[] };
  }

  /** Continues a saved session (before the first connection). */
  restore(snapshot: ResumeSnapshot): void {
    this.#restore({ ...snapshot, kept: Array.isArray(snapshot.kept) ? snapshot.kept.filter((frame) => typeof frame === 'string') : snapshot.kept });
  }

  #restore({ id, received, sent, kept }: SessionState): void {
    if (!RESUME_SESSION_ID.test(id) || ![received, sent].every((n) => count(n) !== undefined) || !Array.isArray(kept) || kept.length > sent) return;
    this.#id = id;
    this.#received = this.#acknowledged = received;
    this.#sent = sent;
    this.#kept = [...kept];
  }

  /**
   * `close()`: tells the gate the session ends (just before the close frame) and
   * forgets it; after {@link handOver} only forgets it (another tab continues it).
   */
  end(): void {
    const current = this.#current;
    if (current?.status && !this.#handedOver) {
      current.send(control({ $: RESUME_FRAME.END }));
      this.#watcher?.answered(undefined);
    }
    this.#forget();
  }

  #forget(): void {
    this.#id = undefined;
    this.#received = this.#acknowledged = this.#sent = 0;
    this.#kept = [];
    this.#current = undefined;
    this.#asked = this.#handedOver = false;
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
  }

  /** @internal The gate's `session` frame on `connection`. */
  answer(connection: Connection, frame: ControlFrame): ResumeStatus | undefined {
    const status = typeof frame.status === 'string' && STATUSES.includes(frame.status) ? (frame.status as ResumeStatus) : undefined;
    const id = typeof frame.id === 'string' && RESUME_SESSION_ID.test(frame.id) ? frame.id : undefined;
    const gateReceived = status === 'resumed' ? count(frame.received) : 0;
    if (!status || !id || gateReceived === undefined) return undefined;
    const resend = this.#kept;
    if (status === 'resumed') {
      // The gate has frames 1…gateReceived: the kept ones up to there are acknowledged.
      const firstKept = this.#sent - resend.length + 1;
      resend.splice(0, Math.min(resend.length, Math.max(0, gateReceived - firstKept + 1)));
      this.#acknowledged = connection.base;
    } else {
      this.#received = this.#acknowledged = 0;
    }
    this.#id = id;
    // What the gate has: a tab that took the session over may know less than the gate.
    this.#sent = gateReceived;
    this.#kept = [];
    this.#asked = false;
    this.#current = connection;
    // Sent again in order, numbered after what the gate has; a frame that cannot
    // go out now is kept all the same and goes with the next answer.
    this.#answering = true;
    for (const frame of resend) this.#number(connection, frame, true);
    this.#answering = false;
    if (this.#received > this.#acknowledged) this.#scheduleAck();
    this.#watcher?.answered(this.state());
    return status;
  }

  /** @internal An app frame arrived on `connection` as its number `n`: whether it is new (to deliver). */
  arrived(n: number): boolean {
    if (n <= this.#received || this.frozen) return false;
    this.#received = n;
    this.#scheduleAck();
    return true;
  }

  /** @internal The gate acknowledged `n` frames. */
  acknowledged(n: number): void {
    const firstKept = this.#sent - this.#kept.length + 1;
    this.#kept.splice(0, Math.max(0, n - firstKept + 1));
    if (this.#kept.length < this.#askAt) this.#asked = false;
    this.#watcher?.acknowledged(n);
  }

  /** @internal Acknowledges now what was received (the gate asked, or the delay ran out). */
  sendAck(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    const current = this.#current;
    if (!current || this.#received <= this.#acknowledged) return;
    if (current.send(control({ $: RESUME_FRAME.ACK, n: this.#received }))) this.#acknowledged = this.#received;
  }

  /** @internal An app frame to write on `connection`; see {@link ResumeConnection.write}. */
  write(connection: Connection, frame: Frame): boolean {
    // A newer connection has taken the session over (this one's writes would be lost), or
    // queue.max frames wait for the gate's acknowledgement: the caller queues (or throws QUEUE_FULL).
    if (connection !== this.#current || this.#kept.length >= this.#max) return false;
    return this.#number(connection, frame, false);
  }

  /** @internal `connection` ended. */
  ended(connection: Connection): void {
    if (connection !== this.#current) return;
    // The next connection's entry carries the count instead.
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
  }

  /** Writes `frame` (escaped when it looks like a control frame), numbered and kept; `always`: kept even when it could not go out. */
  #number(connection: Connection, frame: Frame, always: boolean): boolean {
    const wire = typeof frame === 'string' && frame.startsWith(RESUME_CONTROL_PREFIX) ? control({ $: RESUME_FRAME.MSG, d: frame }) : frame;
    const written = connection.send(wire);
    if (!written && !always) return false;
    this.#sent += 1;
    this.#kept.push(frame);
    if (!this.#answering) this.#watcher?.kept(frame);
    if (this.#kept.length >= this.#askAt && !this.#asked) {
      this.#asked = connection.send(control({ $: RESUME_FRAME.ASK }));
    }
    return written;
  }

  #scheduleAck(): void {
    this.#ackTimer ??= setTimeout(() => this.sendAck(), RESUME_ACK_DELAY);
  }
}

/** A session as `resume: { persist: true }` keeps it across a reload (JSON in `sessionStorage`). */
export interface ResumeSnapshot {
  id: string;
  received: number;
  sent: number;
  /** The text frames sent and not acknowledged, the last `kept.length` of `sent`. */
  kept: string[];
}

/** {@link ResumeConnection}: the frames of one connection, counted from its entry's number. */
class Connection implements ResumeConnection {
  readonly entry: string;
  status: ResumeStatus | undefined;
  /** The count the entry carried: the gate's replay on this connection starts after it. */
  base: number;
  /** The number of the last app frame that arrived on this connection. */
  #count: number;
  readonly #session: ResumeSession;
  readonly #onAnswer: (status: ResumeStatus) => void;
  readonly send: (frame: Frame) => boolean;

  constructor(session: ResumeSession, id: string | undefined, received: number, send: (frame: Frame) => boolean, onAnswer: (status: ResumeStatus) => void) {
    this.#session = session;
    this.entry = id ? `${RESUME_PROTOCOL}.${id}.${received}` : RESUME_PROTOCOL;
    this.base = this.#count = received;
    this.send = send;
    this.#onAnswer = onAnswer;
  }

  read(data: string | ArrayBuffer): string | ArrayBuffer | undefined {
    let app: string | ArrayBuffer = data;
    if (typeof data === 'string' && data.startsWith(RESUME_CONTROL_PREFIX)) {
      const frame = parseControl(data);
      if (frame?.$ !== RESUME_FRAME.MSG || typeof frame.d !== 'string') return this.#control(frame);
      app = frame.d;
    } else if (data === RESUME_UNCOUNTED.PONG || !this.status) {
      return data; // the heartbeat's answer, or a frame before the session's (`auth_ok`)
    }
    if (!this.status) return undefined; // an escaped frame before the answer: the gate sends none
    this.#count += 1;
    return this.#session.arrived(this.#count) ? app : undefined;
  }

  write(frame: Frame): boolean {
    if (!this.status || frame === RESUME_UNCOUNTED.PING) return this.send(frame);
    return this.#session.write(this, frame);
  }

  end(): void {
    this.#session.ended(this);
  }

  #control(frame: ControlFrame | undefined): undefined {
    if (frame?.$ === RESUME_FRAME.SESSION && !this.status) {
      const status = this.#session.answer(this, frame);
      if (status === 'new' || status === 'lost') this.base = this.#count = 0;
      this.status = status;
      if (status) this.#onAnswer(status);
    } else if (frame?.$ === RESUME_FRAME.ACK && this.status) {
      const n = count(frame.n);
      if (n !== undefined) this.#session.acknowledged(n);
    } else if (frame?.$ === RESUME_FRAME.ASK && this.status) {
      this.#session.sendAck();
    }
    return undefined;
  }
}

/** A control frame's fields, or `undefined` when the text is no JSON object with a string `$`. */
function parseControl(text: string): ControlFrame | undefined {
  try {
    const frame: unknown = JSON.parse(text);
    return typeof frame === 'object' && frame !== null && typeof (frame as ControlFrame).$ === 'string' ? (frame as ControlFrame) : undefined;
  } catch {
    return undefined;
  }
}

/** ms the client waits after open for the gate's session frame. */
export const RESUME_ANSWER_TIMEOUT = 10_000;

/**
 * `resume`: sessions that outlive their connections, with a server that has
 * `resume` on (see docs/resume.md). The main entry takes `resume: true`; with
 * `authsocket/lite` pass `resume: resume(true)`, one value per socket.
 * @example
 * ```ts
 * import { AuthSocket, resume, subprotocol } from 'authsocket/lite';
 * const socket = new AuthSocket(url, { auth: { via: subprotocol, token }, resume: resume(true) });
 * socket.on('open', ({ session }) => session === 'lost' && refetchState());
 * ```
 */
export function resumeFeature(option: boolean | ResumeOptions): AttemptFeature | undefined {
  if (!option) return undefined;
  let session!: ResumeSession; // made with queue.max, when the client is
  let saved: ReturnType<typeof persist>;
  const attempts = new WeakMap<AttemptHandle, { connection: ResumeConnection; answered?: () => void; timer?: ReturnType<typeof setTimeout> }>();
  return attemptFeature({
    keeps(queueMax, url) {
      session = new ResumeSession(queueMax);
      if (option !== true && option.persist) saved = persist(session, `authsocket:resume:${url}`);
      return () => session.kept;
    },
    shared: () => session,
    offer(attempt, offered) {
      const state = { connection: session.connect((frame) => attempt.send(frame), () => state.answered?.()) } as { connection: ResumeConnection; answered?: () => void; timer?: ReturnType<typeof setTimeout> };
      attempts.set(attempt, state);
      // The request goes last, after an app protocol the server can select.
      return [...(offered.length > 0 ? [] : [DEFAULT_APP_PROTOCOL]), state.connection.entry];
    },
    receive: (attempt, data) => {
      const state = attempts.get(attempt);
      return state ? state.connection.read(data) : data;
    },
    admit(attempt, proceed, failAttempt) {
      const state = attempts.get(attempt)!;
      state.answered = () => {
        clearTimeout(state.timer);
        state.answered = undefined;
        proceed({ session: state.connection.status });
      };
      if (state.connection.status) return state.answered();
      state.timer = setTimeout(() => {
        state.answered = undefined;
        failAttempt(fail('CONNECTION_FAILED', `no resume answer within ${RESUME_ANSWER_TIMEOUT} ms (is resume on at the server?); retrying`));
      }, RESUME_ANSWER_TIMEOUT);
    },
    write(attempt, frame) {
      const written = attempts.get(attempt)?.connection.write(frame) ?? attempt.send(frame);
      // Sent after pagehide (a timer still running): saved too, so that the next page knows it.
      if (written && session.frozen) saved?.save();
      return written;
    },
    ended(attempt) {
      const state = attempts.get(attempt);
      clearTimeout(state?.timer);
      state?.connection.end();
    },
    closing() {
      session.end();
      saved?.forget();
    },
  });
}

/**
 * `persist`: the session goes to `sessionStorage` (this tab's) when the page goes
 * away, and a page loaded in that tab with a socket to the same URL continues
 * it. From `pagehide` on nothing more is counted or delivered (what was saved
 * stays true); what is sent meanwhile is saved again. `forget`: for `close()`.
 */
function persist(session: ResumeSession, key: string): { save(): void; forget(): void } | undefined {
  const storage = typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  if (!storage || typeof addEventListener === 'undefined') return undefined;
  try {
    const saved = storage.getItem(key);
    storage.removeItem(key);
    if (saved) session.restore(JSON.parse(saved) as ResumeSnapshot);
  } catch {
    // Unreadable: a new session.
  }
  const save = () => {
    const snapshot = session.snapshot();
    session.frozen = true;
    try {
      if (snapshot) storage.setItem(key, JSON.stringify(snapshot));
    } catch {
      // Storage full or refused: the next page gets a new session.
    }
  };
  // Back from the back/forward cache: this page goes on with its session.
  const thaw = () => {
    session.frozen = false;
    storage.removeItem(key);
  };
  addEventListener('pagehide', save);
  addEventListener('pageshow', thaw);
  return {
    save,
    forget() {
      removeEventListener('pagehide', save);
      removeEventListener('pageshow', thaw);
      storage.removeItem(key);
    },
  };
}
