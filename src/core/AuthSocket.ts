import type { AttemptPlan, AttemptTarget, Carrier } from '../carriers/carrier.ts';
import { createCarrier } from '../carriers/index.ts';
import { AuthSocketError } from '../errors/AuthSocketError.ts';
import type {
  AuthOptions,
  AuthSocketEvents,
  AuthSocketOptions,
  Codec,
  Frame,
  HeartbeatOptions,
  State,
  WebSocketConstructorLike,
} from '../types.ts';
import { SecretRedactor } from '../utils/redact.ts';
import { toSocketUrl } from '../utils/url.ts';
import { wait } from '../utils/wait.ts';
import { backoffDelay } from './backoff.ts';
import { isOffline, untilOnline, watchBrowserSignals } from './browserSignals.ts';
import { judgeClose, RETRY_NOW, UNAUTHORIZED } from './closeCodes.ts';
import { jsonCodec } from './codec.ts';
import { fetchCredential, type FetchedCredential } from './credential.ts';
import { Emitter } from './emitter.ts';
import { Heartbeat } from './heartbeat.ts';
import {
  checkAuthSource,
  checkHeartbeat,
  checkMaxFailures,
  checkProtocols,
  checkQueueMax,
  checkTransportSecurity,
  resolveReconnect,
  type ResolvedReconnect,
} from './options.ts';
import { PendingQueue } from './pendingQueue.ts';
import { StateMachine } from './stateMachine.ts';
import { OrderedValidator } from './validator.ts';
import { shareAcrossTabs, type TabGroup } from '../tabs/sharedSession.ts';
import { type Ending, Transport } from './transport.ts';

/** For carriers without an ack, a connection that stays open this long counts as accepted. */
const CONFIRM_AFTER = 2000;
/**
 * A connection replaced by a re-authenticated one stays open this long, so that
 * replies already on their way still arrive: browsers drop every message that
 * arrives after `close()` was called.
 */
const RETIRE_AFTER = 1000;
/** Refresh this long before expiry, or 10% of the token's lifetime when that is shorter. */
const REFRESH_LEAD = 60_000;

type Verdict = 'ack' | 'reject' | 'timeout' | 'ended';

/** One self-reconnecting connection and what its current attempt is waiting for. */
interface Link {
  transport: Transport;
  credential?: FetchedCredential | undefined;
  confirmed: boolean;
  confirmTimer?: ReturnType<typeof setTimeout> | undefined;
  /** Settles the pending in-band auth (an ack is awaited). */
  verdictWait?: { timer: ReturnType<typeof setTimeout>; settle(verdict: Verdict): void } | undefined;
  /** Replaced by a re-authenticated connection, closing after {@link RETIRE_AFTER}. */
  retireTimer?: ReturnType<typeof setTimeout> | undefined;
  /** For a make-before-break candidate: settles `reauthenticate()`. */
  candidate?: { resolve(): void; reject(error: AuthSocketError): void; attempted: boolean };
}

/** Everything that lives from `open()` to `close()` (or giving up). */
interface Session {
  abort: AbortController;
  primary: Link;
  candidate?: Link | undefined;
  /** Connections replaced by a re-authenticated one, not yet closed. */
  retired: Set<Link>;
  /** Attempts made in this session (1 for the first). */
  attempt: number;
  /** Consecutive failed attempts: the backoff exponent. */
  retries: number;
  authFailures: number;
  /** Consecutive attempts that never opened, for the `CONNECTION_FAILED` hint. */
  unopened: number;
  nextDelay: number;
  backoff?: ReturnType<typeof wait> | undefined;
  heartbeat?: Heartbeat | undefined;
  refreshTimer?: ReturnType<typeof setTimeout> | undefined;
  reauthentication?: Promise<void> | undefined;
  suspended: boolean;
  detachBrowser: () => void;
}

/**
 * A WebSocket client that authenticates every connection with a fresh
 * credential, reconnects with jittered backoff, and queues what you send until
 * the server has accepted the credential.
 *
 * @typeParam In - messages the server sends (after decoding)
 * @typeParam Out - messages you send (before encoding)
 *
 * @example
 * ```ts
 * type ServerMsg = { type: 'chat'; text: string };
 * type ClientMsg = { type: 'say'; text: string };
 *
 * const socket = new AuthSocket<ServerMsg, ClientMsg>('wss://api.example.com/ws', {
 *   auth: { via: 'subprotocol', token: () => fetch('/ws-ticket').then((r) => r.text()) },
 * });
 * socket.on('message', (msg) => console.log(msg.text));
 * socket.send({ type: 'say', text: 'hello' }); // queued until authenticated
 * ```
 */
export class AuthSocket<In = unknown, Out = In> {
  /** The error class, also reachable as `AuthSocket.AuthSocketError` from the CDN build. */
  static readonly AuthSocketError = AuthSocketError;
  /** The default codec (JSON over text frames), for wrapping in your own. */
  static readonly jsonCodec = jsonCodec;

  /** The socket's URL, normalised to `ws:`/`wss:`. Never contains the credential. */
  readonly url: string;

  readonly #target: AttemptTarget;
  readonly #auth: AuthOptions<In, Out> | undefined;
  readonly #carrier: Carrier | undefined;
  readonly #maxFailures: number;
  readonly #reconnect: ResolvedReconnect;
  readonly #heartbeat: HeartbeatOptions<In, Out> | undefined;
  readonly #codec: Codec<In, Out>;
  readonly #WebSocket: WebSocketConstructorLike;
  readonly #debugSink: ((line: string) => void) | undefined;
  readonly #events = new Emitter<AuthSocketEvents<In>>();
  readonly #machine = new StateMachine((change) => {
    this.#log(`state ${change.from} -> ${change.to}`);
    this.#events.emit('state', change);
  });
  readonly #pendingQueue: PendingQueue;
  readonly #redactor = new SecretRedactor();
  #session: Session | undefined;
  readonly #inbox: OrderedValidator<In>;
  readonly #tabs: TabGroup<In> | undefined;

  /**
   * @param url - `ws:`/`wss:` (or `http:`/`https:`, converted; a relative path resolves against the page)
   * @throws {@link AuthSocketError} `INVALID_URL`, `INVALID_OPTIONS`, `INSECURE_TRANSPORT`, `UNSUPPORTED_CARRIER` or `COOKIE_SCOPE`
   */
  constructor(url: string | URL, options: AuthSocketOptions<In, Out> = {}) {
    const socketUrl = toSocketUrl(url);
    this.url = socketUrl.href;
    this.#target = { url: socketUrl, protocols: checkProtocols(options.protocols) };
    this.#reconnect = resolveReconnect(options.reconnect);
    checkHeartbeat(options.heartbeat);
    this.#heartbeat = options.heartbeat;
    this.#pendingQueue = new PendingQueue(checkQueueMax(options.queue));
    this.#codec = options.codec ?? jsonCodec;
    this.#inbox = new OrderedValidator(options.validate, (msg) => this.#events.emit('message', msg), (error) => this.#emitError(error));
    this.#debugSink = options.debug === true ? (line) => console.debug(line) : options.debug || undefined;

    this.#auth = options.auth;
    this.#maxFailures = checkMaxFailures(options.auth?.maxFailures);
    if (options.auth) {
      checkAuthSource(options.auth.token);
      checkTransportSecurity(socketUrl, true, options.allowInsecure);
      this.#carrier = createCarrier({ auth: options.auth, url: socketUrl, WebSocket: options.WebSocket, connectionTimeout: this.#reconnect.connectionTimeout });
      if (options.auth.refresh === 'in-place' && !this.#carrier.inBand) {
        throw new AuthSocketError('INVALID_OPTIONS', "auth.refresh 'in-place' needs auth.via 'message'; other carriers refresh by reconnecting.");
      }
    }
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
    if (!WebSocketClass) {
      throw new AuthSocketError('INVALID_OPTIONS', "No WebSocket here: pass options.WebSocket (in Node: import { WebSocket } from 'ws').");
    }
    this.#WebSocket = WebSocketClass;
    this.#tabs = shareAcrossTabs(options.shared, this.url, checkQueueMax(options.queue), {
      socket: this, events: this.#events, machine: this.#machine, lead: () => this.#startSession(),
      write: (frame) => this.#write(frame), queue: (frame) => this.#pendingQueue.push(frame),
    });
    // Start on the next microtask so that listeners added right after `new` see every event.
    if (!options.startClosed) queueMicrotask(() => this.#machine.state === 'idle' && this.open());
  }

  /** The lifecycle state. */
  get state(): State {
    return this.#machine.state;
  }

  /**
   * Whether this instance holds the connection: always with `shared` off; with
   * `shared`, only the tab group's leader (the others relay through it).
   * @example
   * ```ts
   * socket.on('open', () => console.log(socket.leader ? 'connected here' : 'via another tab'));
   * ```
   */
  get leader(): boolean {
    return this.#tabs?.leader ?? true;
  }

  /**
   * Sends now if open, else queues in order until the server accepted the credential.
   * @throws {@link AuthSocketError} `QUEUE_FULL` when the queue is full (nothing is dropped silently)
   * @example
   * ```ts
   * socket.send({ type: 'say', text: 'hi' });
   * ```
   */
  send(msg: Out): void {
    const frame = this.#codec.encode(msg);
    if (!this.#tabs?.send(frame) && !this.#write(frame)) this.#pendingQueue.push(frame);
  }

  #write(frame: Frame): boolean {
    const link = this.#session?.primary;
    if (this.state !== 'open' || this.#pendingQueue.size > 0 || !link?.transport.send(frame)) return false;
    if (!link.confirmed) this.#pendingQueue.sentUnconfirmed(frame);
    return true;
  }

  /**
   * Starts connecting: after `startClosed: true`, after `close()`, or after giving up.
   * @example
   * ```ts
   * const socket = new AuthSocket(url, { startClosed: true, auth });
   * loginButton.onclick = () => socket.open();
   * ```
   */
  open(): void {
    if (this.#tabs?.open() || (this.state !== 'idle' && this.state !== 'closed')) return;
    this.#startSession();
  }

  #startSession(): void {
    const abort = new AbortController();
    const session: Session = {
      abort,
      primary: undefined!,
      attempt: 0,
      retries: 0,
      authFailures: 0,
      unopened: 0,
      nextDelay: 0,
      suspended: false,
      retired: new Set(),
      detachBrowser: () => {},
    };
    this.#session = session;
    this.#machine.moveTo('connecting');
    session.detachBrowser = this.#watchBrowser(session);
    session.primary = this.#createLink(session);
  }

  /**
   * Closes for good: no reconnect, queued messages dropped (the `close` event says how many).
   * @param code - 1000 or 3000–4999
   * @example
   * ```ts
   * socket.close(1000, 'logged out');
   * ```
   */
  close(code = 1000, reason = ''): void {
    if (code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new AuthSocketError('INVALID_OPTIONS', `close() takes code 1000 or 3000–4999; got ${code}.`);
    }
    if (new TextEncoder().encode(reason).length > 123) {
      throw new AuthSocketError('INVALID_OPTIONS', 'close() reason must be at most 123 bytes of UTF-8.');
    }
    if (this.#tabs?.close(code, reason) || (this.state === 'closed' && this.#pendingQueue.size === 0)) return;
    this.#endSession(code, reason);
    const dropped = this.#pendingQueue.drop();
    this.#machine.moveTo('closed');
    this.#log(`closed by the application (${code}); ${dropped} queued message(s) dropped`);
    this.#events.emit('close', { code, reason, wasClean: true, willReconnect: false, dropped });
  }

  /**
   * Drops the current connection (if any) and connects again at once with a fresh credential.
   * @example
   * ```ts
   * socket.reconnect(); // e.g. after the user switched accounts
   * ```
   */
  reconnect(): void {
    const session = this.#session;
    if (this.#tabs?.reconnect()) return;
    if (!session || this.state === 'idle' || this.state === 'closed') return this.open();
    session.nextDelay = 0;
    session.backoff?.wake();
    session.primary.transport.drop(RETRY_NOW, 'reconnect requested');
  }

  /**
   * Re-authenticates now with a fresh credential, on the live connection
   * (`auth.refresh: 'in-place'`) or on a new one switched to once authenticated
   * (`'reconnect'`, the default). Runs on its own shortly before a token expires.
   * @example
   * ```ts
   * await socket.reauthenticate(); // e.g. after the user's role changed
   * ```
   */
  reauthenticate(): Promise<void> {
    const session = this.#session;
    if (!this.#auth) return Promise.reject(new AuthSocketError('INVALID_OPTIONS', 'reauthenticate() needs options.auth.'));
    const relayed = this.#tabs?.reauthenticate();
    if (relayed) return relayed;
    if (!session || this.state !== 'open') {
      return Promise.reject(new AuthSocketError('CONNECTION_FAILED', `reauthenticate() needs an open socket (state is ${this.state}); the next connection fetches a fresh credential anyway.`));
    }
    session.reauthentication ??= (this.#auth.refresh === 'in-place' ? this.#refreshInPlace(session) : this.#refreshByReconnect(session))
      .finally(() => {
        session.reauthentication = undefined;
      });
    return session.reauthentication;
  }

  /**
   * Resolves when the state is `open`; rejects if the socket closes first.
   * @example
   * ```ts
   * await socket.ready();
   * ```
   */
  ready(): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(new AuthSocketError('CONNECTION_FAILED', 'The socket is closed; call open() first.'));
    return new Promise((resolve, reject) => {
      const off = this.on('state', ({ to }) => {
        if (to === 'open') resolve();
        else if (to === 'closed') reject(new AuthSocketError('CONNECTION_FAILED', 'The socket closed before it was ready.'));
        else return;
        off();
      });
    });
  }

  /**
   * Listens to an event; returns its own unsubscribe function.
   * @example
   * ```ts
   * const off = socket.on('message', (msg) => render(msg));
   * off();
   * ```
   */
  on<K extends keyof AuthSocketEvents<In>>(type: K, listener: (payload: AuthSocketEvents<In>[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Listens to the next occurrence of an event only.
   * @example
   * ```ts
   * socket.once('open', () => console.log('authenticated'));
   * ```
   */
  once<K extends keyof AuthSocketEvents<In>>(type: K, listener: (payload: AuthSocketEvents<In>[K]) => void): () => void {
    const off = this.#events.on(type, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  /**
   * Removes a listener added with `on` (a `once` listener: use the function `once` returned).
   * @example
   * ```ts
   * const onMessage = (msg: ServerMsg) => render(msg);
   * socket.on('message', onMessage);
   * socket.off('message', onMessage);
   * ```
   */
  off<K extends keyof AuthSocketEvents<In>>(type: K, listener: (payload: AuthSocketEvents<In>[K]) => void): void {
    this.#events.off(type, listener);
  }

  // ── attempts ────────────────────────────────────────────────────────────

  #createLink(session: Session, candidate?: Link['candidate']): Link {
    const link = { confirmed: false, candidate } as Link;
    const role = () => (session.primary === link ? 'primary' : session.retired.has(link) ? 'retired' : 'candidate');
    link.transport = new Transport(
      {
        nextAttempt: async () => {
          const current = role();
          if (current === 'primary') return this.#nextAttempt(session, link);
          return current === 'candidate' ? this.#nextCandidateAttempt(session, link) : undefined;
        },
        onOpen: () => (role() === 'primary' ? this.#onOpen(session, link) : this.#onCandidateOpen(session, link)),
        onMessage: (data) => this.#onFrame(session, link, data),
        onEnd: (ending) => {
          const current = role();
          if (current === 'primary') this.#onEnd(session, link, ending);
          else if (current === 'candidate') this.#onCandidateEnd(session, link, ending);
          else this.#retire(session, link);
        },
      },
      { WebSocket: this.#WebSocket, connectionTimeout: this.#reconnect.connectionTimeout },
    );
    return link;
  }

  /** Backoff wait, offline wait, fresh credential, plan. Resolves `undefined` when the session is over. */
  async #nextAttempt(session: Session, link: Link): Promise<AttemptPlan | undefined> {
    const { signal } = session.abort;
    for (;;) {
      if (session.nextDelay > 0) {
        session.backoff = wait(session.nextDelay, signal);
        await session.backoff.done;
        session.backoff = undefined;
      }
      if (isOffline() && !signal.aborted) {
        this.#log('offline: waiting for the network before the next attempt');
        await untilOnline(signal);
      }
      // Closed, or this loop belongs to a connection given up meanwhile (bfcache).
      if (signal.aborted || session.suspended || session.primary !== link) return undefined;
      session.attempt += 1;
      try {
        const plan = await this.#planAttempt(link);
        if (signal.aborted || session.suspended || session.primary !== link) {
          this.#carrier?.settle?.();
          return undefined;
        }
        this.#machine.moveTo('connecting');
        if (this.#session !== session) return undefined; // a state listener closed the socket
        this.#log(`attempt ${session.attempt}: connecting to ${this.url}${this.#carrier ? ` via ${this.#carrier.name}` : ''}`);
        this.#events.emit('connecting', { attempt: session.attempt });
        return plan;
      } catch (error) {
        if (signal.aborted) return undefined;
        this.#emitError(error);
        if (signal.aborted || !this.#scheduleRetry(session, false)) return undefined;
      }
    }
  }

  async #planAttempt(link: Link): Promise<AttemptPlan> {
    if (!this.#auth || !this.#carrier) return { url: this.url, protocols: [...this.#target.protocols] };
    const credential = await fetchCredential(this.#auth.token);
    this.#redactor.remember(credential.token);
    link.credential = credential;
    await this.#carrier.acquire?.();
    return this.#carrier.prepare(credential.token, this.#target);
  }

  #onOpen(session: Session, link: Link): void {
    this.#carrier?.settle?.();
    session.unopened = 0;
    const inBand = this.#carrier?.inBand;
    if (!inBand) {
      link.confirmTimer = setTimeout(() => this.#confirm(session, link), CONFIRM_AFTER);
      return this.#becomeOpen(session, link);
    }
    this.#machine.moveTo('authenticating');
    this.#authenticateInBand(link, link.credential!.token, (verdict) => {
      if (verdict === 'ack') {
        this.#confirm(session, link);
        this.#becomeOpen(session, link);
      } else this.#failAuth(link, verdict);
    });
  }

  #becomeOpen(session: Session, link: Link): void {
    this.#machine.moveTo('open');
    if (this.#session === session) this.#events.emit('open', { attempt: session.attempt });
    // A listener may have closed or reconnected the socket.
    if (this.#session !== session || this.state !== 'open') return;
    this.#pendingQueue.flush((frame) => link.transport.send(frame), !link.confirmed);
    this.#startHeartbeat(session, link);
    this.#scheduleRefresh(session, link.credential);
  }

  /** The server accepted this attempt: the failure counters start over. */
  #confirm(session: Session, link: Link): void {
    if (link.confirmed) return; // the common case: every message of a confirmed connection
    clearTimeout(link.confirmTimer);
    link.confirmed = true;
    session.authFailures = 0;
    session.retries = 0;
    this.#pendingQueue.confirm();
  }

  #onFrame(session: Session, link: Link, data: string | ArrayBuffer): void {
    if (session.primary === link) session.heartbeat?.alive();
    let msg: In;
    try {
      msg = this.#codec.decode(data);
    } catch (cause) {
      return this.#emitError(new AuthSocketError('DECODE_FAILED', 'An incoming frame could not be decoded and was skipped; check the server sends what options.codec expects.', { cause }));
    }
    if (link.verdictWait) {
      const verdict = this.#carrier!.inBand!.verdict(msg);
      if (verdict) return link.verdictWait.settle(verdict);
    }
    if (session.retired.has(link)) return this.#inbox.push(msg);
    if (session.candidate === link && !this.#carrier?.inBand) this.#switchTo(session, link);
    if (session.primary !== link) return;
    // In-band carriers are confirmed by the ack, the others by any message.
    if (!this.#carrier?.inBand) this.#confirm(session, link);
    if (this.#heartbeat && (this.#heartbeat.isPong ?? isTypePong)(msg)) return;
    this.#inbox.push(msg);
  }

  #onEnd(session: Session, link: Link, ending: Ending): void {
    this.#resetAttempt(session, link);
    // The next connection fetches a fresh credential anyway.
    this.#abandonCandidate(session, 'The connection dropped during re-authentication; reconnecting with a fresh credential.');
    const { code } = ending;
    const reason = this.#redactor.redact(ending.reason);
    this.#log(`connection ended: ${code}${reason ? ` (${reason})` : ''}${ending.opened ? '' : ', never opened'}`);
    let giveUp: (() => void) | undefined;

    const verdict = judgeClose(code, ending.local);
    // Refused: the server closed before the application saw what was sent.
    this.#pendingQueue.settleUnconfirmed(verdict === 'auth-failure' || verdict === 'forbidden');
    if (verdict === 'forbidden') giveUp = () => this.#giveUpUnauthorized(code, reason);
    else if (verdict === 'auth-failure') {
      if (!ending.local) {
        this.#emitError(new AuthSocketError('AUTH_REJECTED', `The server closed with ${code}${reason ? ` (${reason})` : ''}: the credential was refused; retrying with a fresh one.`));
      }
      session.authFailures += 1;
      if (session.authFailures >= this.#maxFailures) giveUp = () => this.#giveUpUnauthorized(code, reason);
    }
    if (!ending.opened) this.#countUnopened(session);
    if (!giveUp && !this.#canRetry(session)) giveUp = () => this.#stopRetrying(session);

    if (this.#session !== session) return; // an error listener closed the socket
    this.#events.emit('close', { code, reason, wasClean: ending.wasClean, willReconnect: !giveUp });
    if (this.#session !== session) return; // a listener closed the socket
    if (giveUp) return giveUp();
    this.#scheduleRetry(session, verdict === 'retry-now');
  }

  #countUnopened(session: Session): void {
    session.unopened += 1;
    if (session.unopened === this.#reconnect.hintAfter) {
      this.#emitError(new AuthSocketError(
        'CONNECTION_FAILED',
        `${session.unopened} attempts in a row never opened. If the server is up, it may refuse the upgrade (browsers see HTTP 401/403 as a network failure): make it accept, then close with 4401 (bad credential) or 4403 (forbidden). Still retrying.`,
      ));
    }
  }

  /** Schedules the next attempt; `false` (after closing) when there will be none. */
  #scheduleRetry(session: Session, immediately: boolean): boolean {
    if (!this.#canRetry(session)) {
      this.#stopRetrying(session);
      return false;
    }
    const delay = immediately ? 0 : backoffDelay(this.#reconnect, session.retries);
    session.retries += 1;
    session.nextDelay = delay;
    this.#machine.moveTo('reconnecting');
    if (this.#session !== session) return false; // a state listener closed the socket
    this.#log(`attempt ${session.attempt + 1} in ${delay} ms`);
    this.#events.emit('reconnecting', { attempt: session.attempt + 1, delay });
    return true;
  }

  #canRetry(session: Session): boolean {
    return this.#reconnect.enabled && session.retries < this.#reconnect.maxRetries;
  }

  #stopRetrying(session: Session): void {
    if (this.#reconnect.enabled) {
      this.#emitError(new AuthSocketError('CONNECTION_FAILED', `Gave up after ${session.retries} failed retries (reconnect.maxRetries); call open() to start again.`));
    }
    this.#giveUp();
  }

  #giveUpUnauthorized(code: number, reason: string): void {
    this.#giveUp();
    this.#log(`unauthorized: gave up after close code ${code}`);
    this.#events.emit('unauthorized', { code, reason });
  }

  /** Stops for good but keeps the queue: `open()` may start again. */
  #giveUp(): void {
    this.#endSession(1000, '');
    this.#machine.moveTo('closed');
  }

  #endSession(code: number, reason: string): void {
    const session = this.#session;
    if (!session) return;
    this.#session = undefined;
    session.abort.abort();
    session.detachBrowser();
    this.#closeLinks(session, code, reason, 'The socket closed during re-authentication.');
  }

  /** Closes every connection of the session: the current one, a pending candidate, retired ones. */
  #closeLinks(session: Session, code: number, reason: string, why: string): void {
    clearTimeout(session.refreshTimer);
    this.#abandonCandidate(session, why);
    for (const link of session.retired) this.#retire(session, link);
    this.#resetAttempt(session, session.primary);
    session.primary.transport.stop(code, reason);
  }

  /** Clears what the current attempt of `link` was waiting for. */
  #resetAttempt(session: Session, link: Link): void {
    this.#carrier?.settle?.();
    clearTimeout(link.confirmTimer);
    link.confirmed = false;
    link.verdictWait?.settle('ended');
    if (session.primary === link) session.heartbeat?.stop();
  }

  // ── in-band auth and re-authentication ──────────────────────────────────

  /** Sends the auth frame on `link` and reports the server's verdict (or a timeout) once. */
  #authenticateInBand(link: Link, token: string, onVerdict: (verdict: Verdict) => void): void {
    const inBand = this.#carrier!.inBand!;
    link.verdictWait?.settle('ended');
    const settle = (verdict: Verdict) => {
      if (link.verdictWait?.settle !== settle) return;
      clearTimeout(link.verdictWait.timer);
      link.verdictWait = undefined;
      onVerdict(verdict);
    };
    link.verdictWait = { timer: setTimeout(() => settle('timeout'), inBand.timeout), settle };
    if (!link.transport.send(this.#toFrame(inBand.frame(token)))) settle('ended');
  }

  /** What a verdict other than an ack means, and what happens next. */
  #verdictError(verdict: Verdict, next: string): AuthSocketError {
    return verdict === 'timeout'
      ? new AuthSocketError('AUTH_TIMEOUT', `The server did not acknowledge the auth message within ${this.#carrier!.inBand!.timeout} ms; ${next}.`)
      : verdict === 'reject'
        ? new AuthSocketError('AUTH_REJECTED', `The server rejected the auth message; ${next}.`)
        : new AuthSocketError('CONNECTION_FAILED', 'The connection ended during authentication.');
  }

  /** A refused or unanswered auth frame is an auth failure: give the socket up with 4401. */
  #failAuth(link: Link, verdict: Verdict): AuthSocketError {
    const error = this.#verdictError(verdict, 'retrying with a fresh credential');
    if (verdict !== 'ended') {
      this.#emitError(error);
      link.transport.drop(UNAUTHORIZED, verdict === 'timeout' ? 'auth timeout' : 'auth rejected');
    }
    return error;
  }

  async #refreshInPlace(session: Session): Promise<void> {
    const link = session.primary;
    let credential: FetchedCredential;
    try {
      credential = await fetchCredential(this.#auth!.token);
    } catch (error) {
      this.#emitError(error);
      throw error;
    }
    this.#redactor.remember(credential.token);
    if (session.primary !== link || this.state !== 'open') {
      throw new AuthSocketError('CONNECTION_FAILED', 'The connection changed during re-authentication; the new one used a fresh credential.');
    }
    await new Promise<void>((resolve, reject) => {
      this.#authenticateInBand(link, credential.token, (verdict) => {
        if (verdict !== 'ack') return reject(this.#failAuth(link, verdict));
        link.credential = credential;
        this.#scheduleRefresh(session, credential);
        this.#events.emit('reauthenticated', { via: 'in-place' });
        resolve();
      });
    });
  }

  /** Make-before-break: a second connection, switched to once authenticated. */
  #refreshByReconnect(session: Session): Promise<void> {
    return new Promise((resolve, reject) => {
      session.candidate = this.#createLink(session, { resolve, reject, attempted: false });
    });
  }

  /** A candidate makes exactly one attempt. */
  async #nextCandidateAttempt(session: Session, link: Link): Promise<AttemptPlan | undefined> {
    const candidate = link.candidate!;
    if (candidate.attempted || session.abort.signal.aborted) return undefined;
    candidate.attempted = true;
    try {
      return await this.#planAttempt(link);
    } catch (error) {
      this.#emitError(error);
      this.#dropCandidate(session, link, error as AuthSocketError);
      return undefined;
    }
  }

  #onCandidateOpen(session: Session, link: Link): void {
    this.#carrier?.settle?.();
    // Servers close with 4401 right after accepting: without an ack, the new
    // connection counts as authenticated on its first message or after 2 s.
    if (!this.#carrier?.inBand) {
      link.confirmTimer = setTimeout(() => this.#switchTo(session, link), CONFIRM_AFTER);
      return;
    }
    this.#authenticateInBand(link, link.credential!.token, (verdict) => {
      if (verdict === 'ack') return this.#switchTo(session, link);
      if (verdict === 'ended') return;
      const error = this.#verdictError(verdict, 'the current connection stays up');
      this.#emitError(error);
      this.#dropCandidate(session, link, error);
    });
  }

  #onCandidateEnd(session: Session, link: Link, ending: Ending): void {
    link.verdictWait?.settle('ended');
    const reason = this.#redactor.redact(ending.reason);
    const error = new AuthSocketError(
      judgeClose(ending.code, ending.local) === 'transient' ? 'CONNECTION_FAILED' : 'AUTH_REJECTED',
      `Re-authentication failed: the new connection ended with ${ending.code}${reason ? ` (${reason})` : ''}; the current connection stays up.`,
    );
    this.#emitError(error);
    this.#dropCandidate(session, link, error);
  }

  #abandonCandidate(session: Session, why: string): void {
    if (session.candidate) this.#dropCandidate(session, session.candidate, new AuthSocketError('CONNECTION_FAILED', why));
  }

  #dropCandidate(session: Session, link: Link, error: AuthSocketError): void {
    clearTimeout(link.confirmTimer);
    if (session.candidate === link) session.candidate = undefined;
    link.transport.stop(1000, 'reauthentication failed');
    link.candidate?.reject(error);
  }

  #switchTo(session: Session, link: Link): void {
    if (session.candidate !== link) return;
    const previous = session.primary;
    this.#resetAttempt(session, previous);
    session.primary = link;
    session.candidate = undefined;
    session.retired.add(previous);
    previous.retireTimer = setTimeout(() => this.#retire(session, previous), RETIRE_AFTER);
    this.#confirm(session, link);
    this.#pendingQueue.flush((frame) => link.transport.send(frame));
    this.#startHeartbeat(session, link);
    this.#scheduleRefresh(session, link.credential);
    this.#log(`re-authenticated on a new connection; the previous one closes with 1000 in ${RETIRE_AFTER} ms`);
    this.#events.emit('reauthenticated', { via: 'reconnect' });
    link.candidate?.resolve();
  }

  #retire(session: Session, link: Link): void {
    clearTimeout(link.retireTimer);
    session.retired.delete(link);
    link.transport.stop(1000, 'reauthenticated');
  }

  #scheduleRefresh(session: Session, credential: FetchedCredential | undefined): void {
    clearTimeout(session.refreshTimer);
    session.refreshTimer = undefined;
    if (!credential?.expiresAt || credential.expiresAt <= Date.now()) return;
    const lifetime = credential.expiresAt - credential.fetchedAt;
    const refreshAt = credential.expiresAt - Math.min(REFRESH_LEAD, lifetime / 10);
    session.refreshTimer = setTimeout(() => {
      this.#log('token about to expire: re-authenticating');
      this.reauthenticate().catch(() => {}); // failures are already on the `error` event
    }, Math.max(0, refreshAt - Date.now()));
  }

  // ── liveness and the page ───────────────────────────────────────────────

  #startHeartbeat(session: Session, link: Link): void {
    session.heartbeat?.stop();
    const options = this.#heartbeat;
    if (!options) return;
    session.heartbeat = new Heartbeat(
      options.interval,
      options.timeout,
      () => link.transport.send(this.#toFrame(options.ping ? options.ping() : '{"type":"ping"}')),
      () => {
        this.#log(`no frame within ${options.timeout} ms of a ping: reconnecting`);
        link.transport.drop(RETRY_NOW, 'heartbeat timeout');
      },
    );
    session.heartbeat.start();
  }

  #watchBrowser(session: Session): () => void {
    const checkLink = () => this.state === 'open' && session.heartbeat?.check();
    return watchBrowserSignals({
      offline: checkLink,
      online: () => {
        this.#log('online: retrying now');
        session.nextDelay = 0;
        session.backoff?.wake();
        checkLink();
      },
      visible: (hiddenFor) => {
        if (this.#heartbeat && hiddenFor > this.#heartbeat.timeout) checkLink();
      },
      frozen: () => this.#suspend(session),
      restored: () => this.#resume(session),
    });
  }

  /** Entering the back/forward cache: close cleanly, keep the queue. */
  #suspend(session: Session): void {
    if (session.suspended || this.state === 'closed') return;
    session.suspended = true;
    this.#closeLinks(session, 1000, 'page hidden', 'The page was hidden during re-authentication.');
    this.#events.emit('close', { code: 1000, reason: 'page hidden', wasClean: true, willReconnect: true });
    if (this.#session === session) this.#machine.moveTo('reconnecting');
  }

  #resume(session: Session): void {
    if (!session.suspended || this.#session !== session) return;
    session.suspended = false;
    session.nextDelay = 0;
    session.primary = this.#createLink(session);
  }

  // ── plumbing ────────────────────────────────────────────────────────────

  #toFrame(msg: unknown): Frame {
    return typeof msg === 'string' ? msg : this.#codec.encode(msg as Out);
  }

  #emitError(error: unknown): void {
    const failure = error instanceof AuthSocketError
      ? error
      : new AuthSocketError('CONNECTION_FAILED', 'Unexpected failure; see error.cause.', { cause: error });
    failure.message = this.#redactor.redact(failure.message);
    this.#log(`error ${failure.code}: ${failure.message}`);
    this.#events.emit('error', failure);
  }

  #log(line: string): void {
    this.#debugSink?.(this.#redactor.redact(`[authsocket] ${line}`));
  }
}

const isTypePong = (msg: unknown) => typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'pong';



