import { type AttemptPlan, type AttemptTarget, type Carrier, type InBandAuth, planFor } from '../carriers/carrier.ts';
import { AuthSocketError, fail, invalid, notOpen, queueFull } from '../errors/AuthSocketError.ts';
import type {
  AuthOptions,
  AuthSocketEvents,
  AuthSocketOptions,
  Codec,
  Frame,
  State,
  WebSocketConstructorLike,
} from '../types.ts';
import { SecretRedactor } from '../utils/redact.ts';
import { toSocketUrl } from '../utils/url.ts';
import { wait } from '../utils/wait.ts';
import { isOffline, watchBrowserSignals } from './browserSignals.ts';
import { RETRY_NOW } from './closeCodes.ts';
import { RetryPolicy, type RetryRules, type Stop } from './retryPolicy.ts';
import { jsonCodec } from './codec.ts';
import { fetchCredential, type FetchedCredential, refreshDelay } from './credential.ts';
import { Emitter } from './emitter.ts';
import { resolveAck, resolveFeature } from './features.ts';
import type { HeartbeatRunner } from './heartbeat.ts';
import {
  checkAuthSource,
  checkMaxFailures,
  checkProtocols,
  checkQueueMax,
  checkTransportSecurity,
  resolveReconnect,
  type ResolvedReconnect,
} from './options.ts';
import { PendingQueue } from './pendingQueue.ts';
import { StateMachine } from './stateMachine.ts';
import type { TabGroup } from '../tabs/sharedSession.ts';
import { LITE_PLUGINS, type Plugins } from './plugins.ts';
import { type Ending, Transport } from './transport.ts';
import type { Verdict } from '../wire.ts';
import { MakeBeforeBreak } from './makeBeforeBreak.ts';
import { CONFIRM_AFTER, type CandidateHandle, type Link, type PendingVerdict, type Session } from './session.ts';
import type { SetupRunner } from './setup.ts';
import type { ResumeSession } from './resume.ts';
import { checkFixedToken, checkHandshakeSize, longestLine } from './requestSize.ts';
import { isNetworkFailure, noSubprotocolError, unopenedHint } from './unopenedHint.ts';
import { DEFAULT_APP_PROTOCOL } from '../wire.ts';

/** ms to wait for the gate's session frame after open when no other handshake sets `auth.timeout`. */
const RESUME_ANSWER_TIMEOUT = 10_000;

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
  /** @internal What the entry plugs in: carriers for `auth.via`, tab sharing (src/core/plugins.ts). */
  static readonly plugins: Plugins = LITE_PLUGINS;

  /** The socket's URL, normalised to `ws:`/`wss:`. Never contains the credential. */
  readonly url: string;

  readonly #target: AttemptTarget;
  readonly #auth: AuthOptions<In, Out> | undefined;
  readonly #carrier: Carrier | undefined;
  /** What the client waits for after open before `open`: the message carrier's ack, or any carrier's with `auth.ack`. */
  readonly #handshake: InBandAuth | undefined;
  readonly #setup: SetupRunner | undefined;
  readonly #reconnect: ResolvedReconnect;
  readonly #retryRules: RetryRules;
  readonly #heartbeat: HeartbeatRunner | undefined;
  readonly #codec: Codec<In, Out>;
  readonly #WebSocket: WebSocketConstructorLike;
  readonly #debugSink: ((line: string) => void) | undefined;
  readonly #events = new Emitter<AuthSocketEvents<In>>();
  readonly #machine = new StateMachine((change) => {
    this.#log(`state ${change.from} -> ${change.to}`);
    this.#events.emit('state', change);
  });
  readonly #pendingQueue: PendingQueue;
  readonly #queueMax: number;
  /** With `resume`: the session that outlives this socket's connections. */
  readonly #sessionResume: ResumeSession | undefined;
  readonly #redactor = new SecretRedactor();
  #session: Session | undefined;
  /** `close()` was called and `open()` not since: `send()` throws rather than queue for nobody. */
  #closedByApp = false;
  readonly #makeBeforeBreak = new MakeBeforeBreak({
    createLink: (session, handle) => this.#createLink(session, handle),
    planAttempt: (session, link) => this.#planAttempt(session, link),
    offered: () => this.#offered(),
    authenticateInBand: (link, onVerdict) => this.#authenticateInBand(link, onVerdict),
    runSetup: (link, done) => this.#runSetup(link, done),
    promote: (session, link) => this.#promote(session, link),
    settleCarrier: (link) => this.#carrier?.settle?.(link),
    verdictError: (verdict, next) => this.#handshake!.verdictError(verdict, next),
    emitError: (error) => this.#emitError(error),
    log: (line) => this.#log(line),
    redact: (text) => this.#redactor.redact(text),
  });
  /** Incoming messages on their way to `message` listeners (through `validate`, when set). */
  readonly #inbox: { push(msg: In): void };
  readonly #tabs: TabGroup<In> | undefined;

  /**
   * @param url - `ws:`/`wss:` (or `http:`/`https:`, converted; a relative path resolves against the page)
   * @throws {@link AuthSocketError} `INVALID_URL`, `INVALID_OPTIONS`, `INSECURE_TRANSPORT`, `UNSUPPORTED_CARRIER` or `COOKIE_SCOPE`
   */
  constructor(url: string | URL, options: AuthSocketOptions<In, Out> = {}) {
    const { plugins } = new.target;
    const socketUrl = toSocketUrl(url);
    this.url = socketUrl.href;
    this.#target = { url: socketUrl, protocols: checkProtocols(options.protocols) };
    this.#reconnect = resolveReconnect(options.reconnect);
    const { features } = plugins;
    this.#heartbeat = resolveFeature(features, 'heartbeat', options.heartbeat);
    const queueMax = checkQueueMax(options.queue);
    this.#pendingQueue = new PendingQueue(queueMax);
    this.#queueMax = queueMax;
    this.#sessionResume = resolveFeature(features, 'resume', options.resume || undefined)?.(queueMax);
    this.#codec = options.codec ?? jsonCodec;
    const deliver = (msg: In) => this.#events.emit('message', msg);
    this.#inbox = resolveFeature(features, 'validate', options.validate)?.(deliver, (error) => this.#emitError(error)) ?? { push: deliver };
    this.#debugSink = options.debug === true ? (line) => console.debug(line) : options.debug || undefined;

    this.#auth = options.auth;
    this.#retryRules = {
      reconnect: this.#reconnect,
      maxFailures: checkMaxFailures(options.auth?.maxFailures),
      closeCodes: resolveFeature(features, 'closeCodes', options.closeCodes),
      provider: typeof options.auth?.token === 'function',
    };
    if (options.auth) {
      checkAuthSource(options.auth.token);
      checkTransportSecurity(socketUrl, true, options.allowInsecure);
      this.#carrier = plugins.carrier({ auth: options.auth, url: socketUrl, WebSocket: options.WebSocket, connectionTimeout: this.#reconnect.connectionTimeout });
      if (options.auth.refresh === 'in-place' && !this.#carrier.inBand) {
        throw invalid("auth.refresh 'in-place' needs auth.via 'message'");
      }
      this.#handshake = this.#carrier.inBand ?? resolveAck(features, options.auth);
      if (typeof options.auth.token === 'string') checkFixedToken(this.#carrier, options.auth.token, this.#target);
    }
    this.#setup = resolveFeature(features, 'setup', options.setup);
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
    if (!WebSocketClass) {
      throw invalid("no WebSocket here: pass options.WebSocket (Node: from 'ws')");
    }
    this.#WebSocket = WebSocketClass;
    if (options.shared && !plugins.share) throw invalid("shared: use 'authsocket', not lite");
    this.#tabs = plugins.share?.(options.shared, this.url, queueMax, {
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
   * Sends now if open, else queues in order until the server accepted the
   * credential (also while `closed` after the client gave up: `open()` sends
   * the queue). After `close()` nothing is queued: it throws until `open()`.
   * @throws {@link AuthSocketError} `QUEUE_FULL` when the queue is full (nothing is dropped silently);
   *   `CONNECTION_FAILED` after `close()`, before `open()`
   * @example
   * ```ts
   * socket.send({ type: 'say', text: 'hi' });
   * ```
   */
  send(msg: Out): void {
    if (this.#closedByApp) {
      throw fail('CONNECTION_FAILED', 'closed by close(); call open() first (nothing queued)');
    }
    // With resume, frames sent but not yet acknowledged share the queue's bound.
    if (this.#sessionResume && this.#sessionResume.kept + this.#pendingQueue.size >= this.#queueMax) throw queueFull(this.#queueMax);
    const frame = this.#codec.encode(msg);
    if (!this.#tabs?.send(frame) && !this.#write(frame)) this.#pendingQueue.push(frame);
  }

  #write(frame: Frame): boolean {
    const link = this.#session?.primary;
    if (this.state !== 'open' || this.#pendingQueue.size > 0 || link?.rejected || link?.verdictWait?.holding || !link || !this.#sendOn(link, frame)) return false;
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
    this.#closedByApp = false;
    if (this.#tabs?.open() || (this.state !== 'idle' && this.state !== 'closed')) return;
    this.#startSession();
  }

  #startSession(): void {
    const abort = new AbortController();
    const session: Session = {
      abort,
      primary: undefined!,
      attempt: 0,
      policy: new RetryPolicy(this.#retryRules),
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
      throw invalid(`close(${code}): give 1000 or 3000–4999`);
    }
    if (new TextEncoder().encode(reason).length > 123) {
      throw invalid('close(): reason over 123 bytes');
    }
    this.#closedByApp = true;
    if (this.#tabs?.close(code, reason)) return;
    this.#sessionResume?.end(); // tells the gate, just before the close frame
    if (this.state === 'closed' && this.#pendingQueue.size === 0) return;
    this.#endSession(code, reason);
    const dropped = this.#pendingQueue.drop();
    this.#machine.moveTo('closed');
    this.#log(`close(${code}); ${dropped} queued dropped`);
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
    if (!this.#auth) return Promise.reject(invalid('reauthenticate() needs options.auth'));
    const relayed = this.#tabs?.reauthenticate();
    if (relayed) return relayed;
    if (!session || this.state !== 'open') {
      return Promise.reject(notOpen(this.state));
    }
    session.reauthentication ??= (this.#auth.refresh === 'in-place' ? this.#refreshInPlace(session) : this.#makeBeforeBreak.start(session))
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
    return new Promise((resolve, reject) => {
      const settle = (state: State) => {
        if (state === 'open') resolve();
        else if (state === 'closed') reject(fail('CONNECTION_FAILED', 'closed; call open() first'));
        else return false;
        return true;
      };
      if (settle(this.state)) return;
      const off = this.on('state', ({ to }) => settle(to) && off());
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

  #createLink(session: Session, candidate?: CandidateHandle): Link {
    const link = { confirmed: false, candidate } as Link;
    const role = () => (session.primary === link ? 'primary' : session.retired.has(link) ? 'retired' : 'candidate');
    link.transport = new Transport(
      {
        nextAttempt: async () => {
          const current = role();
          if (current === 'primary') return this.#nextAttempt(session, link);
          return current === 'candidate' ? this.#makeBeforeBreak.nextAttempt(session, link) : undefined;
        },
        onOpen: () => (role() === 'primary' ? this.#onOpen(session, link) : this.#makeBeforeBreak.onOpen(session, link)),
        onMessage: (data) => this.#onFrame(session, link, data),
        onEnd: (ending) => {
          const current = role();
          if (current === 'primary') this.#onEnd(session, link, ending);
          else if (current === 'candidate') this.#makeBeforeBreak.onEnd(session, link, ending);
          else this.#makeBeforeBreak.retire(session, link);
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
        this.#log('offline: waiting');
        await wait(undefined, signal, window, 'online').done;
      }
      // Closed, or this loop belongs to a connection given up meanwhile (bfcache).
      if (signal.aborted || session.suspended || session.primary !== link) return undefined;
      session.attempt += 1;
      try {
        const plan = await this.#planAttempt(session, link);
        if (!plan || signal.aborted || session.suspended || session.primary !== link) {
          this.#carrier?.settle?.(link);
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
        // The provider's server is down too: the app gets the same hint as for a dead WebSocket endpoint.
        if (!signal.aborted && isNetworkFailure(error) && session.policy.unreachable()) this.#emitHint(session, true);
        if (signal.aborted || !this.#scheduleRetry(session, false)) return undefined;
      }
    }
  }

  /** Plans `link`'s attempt, with the resume request last among its subprotocols; `undefined` when the session or the link ended meanwhile. */
  async #planAttempt(session: Session, link: Link): Promise<AttemptPlan | undefined> {
    const plan = await this.#planCredential(session, link);
    if (!plan || !this.#sessionResume) return plan;
    link.resume = this.#sessionResume.connect((frame) => link.transport.send(frame), () => {
      // The answer also says the credential was accepted: a make-before-break candidate may switch.
      if (link.answered) link.answered();
      else if (session.candidate === link) this.#makeBeforeBreak.onMessage(session, link, false);
    });
    plan.protocols = [...(plan.protocols.length > 0 ? plan.protocols : [DEFAULT_APP_PROTOCOL]), link.resume.entry];
    return plan;
  }

  /** Fetches a credential and plans `link`'s attempt; `undefined` when the session or the link ended meanwhile. */
  async #planCredential(session: Session, link: Link): Promise<AttemptPlan | undefined> {
    if (!this.#auth || !this.#carrier) return planFor(this.#target);
    const credential = await fetchCredential(this.#auth.token);
    this.#redactor.remember(credential.token);
    // The cookie carrier's cross-tab lock (a no-op for the others).
    await this.#carrier.acquire?.(link);
    // Closed (or the candidate given up) while the provider ran or the lock was
    // awaited: write nothing (no cookie after close()), release the lock.
    if (session.abort.signal.aborted || session.suspended || (link !== session.primary && link !== session.candidate)) {
      this.#carrier.settle?.(link);
      return undefined;
    }
    link.credential = credential;
    try {
      const plan = this.#carrier.prepare(credential.token, this.#target, link);
      session.longestLine = longestLine(plan);
      checkHandshakeSize(plan, this.#carrier.name);
      return plan;
    } catch (error) {
      this.#carrier.settle?.(link); // the cookie and its lock
      throw error;
    }
  }

  #onOpen(session: Session, link: Link): void {
    this.#carrier?.settle?.(link);
    session.policy.opened();
    this.#measureUptime(session, link);
    if (!this.#handshake && !link.resume) {
      link.confirmTimer = setTimeout(() => this.#confirm(session, link), CONFIRM_AFTER);
      return this.#setUpThenOpen(session, link);
    }
    this.#machine.moveTo('authenticating');
    if (this.#session !== session) return; // a state listener closed the socket
    if (!this.#handshake) return this.#awaitAnswer(session, link);
    this.#authenticateInBand(link, (verdict) => {
      if (verdict !== 'ack') return void this.#handshake!.failAuth(link, verdict);
      if (link.resume) return this.#awaitAnswer(session, link);
      this.#confirm(session, link);
      this.#setUpThenOpen(session, link);
    });
  }

  /** With resume, the gate's session frame confirms the credential and comes before `open` (and anything counted). */
  #awaitAnswer(session: Session, link: Link): void {
    const timeout = this.#handshake?.timeout ?? this.#auth?.timeout ?? RESUME_ANSWER_TIMEOUT;
    link.answered = () => {
      clearTimeout(link.answerTimer);
      link.answered = undefined;
      this.#confirm(session, link);
      this.#setUpThenOpen(session, link);
    };
    if (link.resume!.status) return link.answered();
    link.answerTimer = setTimeout(() => {
      link.answered = undefined;
      this.#emitError(fail('CONNECTION_FAILED', `no resume answer within ${timeout} ms (is resume on at the server?); retrying`));
      link.transport.drop(1000, 'no resume answer');
    }, timeout);
  }

  /** Authenticated: `options.setup` (if any) runs on the connection, then `open` and the queue. */
  #setUpThenOpen(session: Session, link: Link): void {
    if (!this.#setup) return this.#becomeOpen(session, link);
    this.#machine.moveTo('authenticating');
    if (this.#session !== session) return;
    this.#runSetup(link, (error) => {
      if (this.#session !== session || session.primary !== link) return;
      if (!error) return this.#becomeOpen(session, link);
      this.#emitError(error);
      link.transport.drop(1000, 'setup failed');
    });
  }

  /** Runs `options.setup` on `link` (at once `done()` without one); cancelled when the link's attempt ends. */
  #runSetup(link: Link, done: (error?: AuthSocketError) => void): void {
    if (!this.#setup) return done();
    link.cancelSetup = this.#setup((msg) => this.#sendOn(link, this.#toFrame(msg)), this.#reconnect.connectionTimeout, (error) => {
      link.cancelSetup = undefined;
      done(error);
    });
  }

  #becomeOpen(session: Session, link: Link): void {
    this.#machine.moveTo('open');
    const status = link.resume?.status;
    if (this.#session === session) this.#events.emit('open', { attempt: session.attempt, ...(status ? { session: status } : {}) });
    // A listener may have closed or reconnected the socket.
    if (this.#session !== session || this.state !== 'open') return;
    this.#pendingQueue.flush((frame) => this.#sendOn(link, frame), !link.confirmed);
    this.#startHeartbeat(session, link);
    this.#scheduleRefresh(session, link.credential);
  }

  /** The server accepted this attempt: the failure counters start over. */
  #confirm(session: Session, link: Link): void {
    if (link.confirmed) return; // the common case: every message of a confirmed connection
    clearTimeout(link.confirmTimer);
    link.confirmed = true;
    session.policy.confirmed();
    this.#pendingQueue.confirm();
  }

  /** The backoff and `maxRetries` start over only once a connection stayed open `minUptime` (no tight loops). */
  #measureUptime(session: Session, link: Link): void {
    clearTimeout(link.uptimeTimer);
    link.uptimeTimer = setTimeout(() => {
      session.policy.stayedUp();
    }, this.#reconnect.minUptime);
  }

  #onFrame(session: Session, link: Link, data: string | ArrayBuffer): void {
    if (session.primary === link) session.heartbeat?.alive();
    if (link.resume) {
      // Control frames stop here whatever the codec; a frame already delivered on another connection too.
      const app = link.resume.read(data);
      if (app === undefined) return;
      data = app;
    }
    let msg: In;
    try {
      msg = this.#codec.decode(data);
    } catch (cause) {
      return this.#emitError(fail('DECODE_FAILED', 'frame skipped: options.codec could not decode it (see cause)', cause));
    }
    if (link.verdictWait?.read(msg) || link.rejected) return;
    if (session.retired.has(link)) return this.#inbox.push(msg);
    // A candidate's messages count once it is authenticated (it may switch to it here).
    if (session.candidate === link && !this.#makeBeforeBreak.onMessage(session, link, Boolean(this.#handshake))) return;
    if (session.primary === link) {
      // With a handshake the ack confirms; otherwise any message does.
      if (!this.#handshake) this.#confirm(session, link);
      if (this.#heartbeat?.isHeartbeatPong(msg)) return;
    }
    this.#inbox.push(msg);
  }

  #onEnd(session: Session, link: Link, ending: Ending): void {
    const { authError, rejected } = link;
    this.#resetAttempt(session, link);
    // The next connection fetches a fresh credential anyway.
    this.#makeBeforeBreak.abandon(session, 're-authentication: the connection dropped; reconnecting');
    const { code } = ending;
    const reason = this.#redactor.redact(ending.reason);
    this.#log(`connection ended: ${code}${reason ? ` (${reason})` : ''}${ending.opened ? '' : ', never opened'}`);
    const decision = session.policy.judge(ending, Boolean(rejected));
    this.#pendingQueue.settleUnconfirmed(decision.refused);
    if (decision.next) {
      const error = authError?.(decision.next)
        ?? (ending.local ? undefined : fail('AUTH_REJECTED', `credential refused: closed with ${code}${reason ? ` (${reason})` : ''}; ${decision.next}`));
      if (error) this.#emitError(error);
    }
    if (ending.noSubprotocol) this.#emitError(noSubprotocolError(this.#offered(), 'retrying'));
    if (decision.hintDue) this.#emitHint(session);

    if (this.#session !== session) return; // an error listener closed the socket
    this.#events.emit('close', { code, reason, wasClean: ending.wasClean, willReconnect: !decision.stop });
    if (this.#session !== session) return; // a listener closed the socket
    if (decision.stop) return this.#stop(session, decision.stop, code, reason);
    this.#scheduleRetry(session, decision.verdict === 'retry-now');
  }

  #emitHint(session: Session, providerUnreachable = false): void {
    const carrier = this.#carrier?.name;
    this.#emitError(fail('CONNECTION_FAILED', unopenedHint({
      attempts: session.policy.unopened,
      credentialOnUpgrade: carrier !== undefined && carrier !== 'message',
      offered: this.#offered(),
      longest: session.longestLine,
      providerUnreachable,
    })));
  }

  /** The application subprotocols every attempt offers (the token entry aside). */
  #offered(): readonly string[] {
    return this.#target.protocols.length > 0 ? this.#target.protocols : this.#carrier?.name === 'subprotocol' ? [DEFAULT_APP_PROTOCOL] : [];
  }

  /** Schedules the next attempt; `false` (after closing) when there will be none. */
  #scheduleRetry(session: Session, immediately: boolean): boolean {
    if (!session.policy.canRetry()) {
      this.#stop(session, 'retries');
      return false;
    }
    const delay = session.policy.nextDelay(immediately);
    session.nextDelay = delay;
    this.#machine.moveTo('reconnecting');
    if (this.#session !== session) return false; // a state listener closed the socket
    this.#log(`attempt ${session.attempt + 1} in ${delay} ms`);
    this.#events.emit('reconnecting', { attempt: session.attempt + 1, delay });
    return true;
  }

  /** Stops retrying (the queue is kept for `open()`) and says why. */
  #stop(session: Session, why: Stop, code = 0, reason = ''): void {
    if (why === 'retries' && this.#reconnect.enabled) {
      this.#emitError(fail('CONNECTION_FAILED', `Gave up after ${session.policy.retries} retries (reconnect.maxRetries); call open()`));
    }
    if (why === 'fatal') {
      this.#emitError(fail('CONNECTION_FAILED', `closed with ${code}${reason ? ` (${reason})` : ''}, fatal by options.closeCodes; stopped, queue kept; call open()`));
    }
    this.#giveUp();
    if (why === 'unauthorized') {
      this.#log(`gave up: closed with ${code}`);
      this.#events.emit('unauthorized', { code, reason });
    }
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
    this.#closeLinks(session, code, reason, 're-authentication: closed');
  }

  /** Closes every connection of the session: the current one, a pending candidate, retired ones. */
  #closeLinks(session: Session, code: number, reason: string, why: string): void {
    clearTimeout(session.refreshTimer);
    this.#makeBeforeBreak.abandon(session, why);
    for (const link of session.retired) this.#makeBeforeBreak.retire(session, link);
    this.#resetAttempt(session, session.primary);
    session.primary.transport.stop(code, reason);
  }

  /** Clears what the current attempt of `link` was waiting for. */
  #resetAttempt(session: Session, link: Link): void {
    // Settles an attempt that ended before open; once opened, it has settled already.
    this.#carrier?.settle?.(link);
    clearTimeout(link.confirmTimer);
    clearTimeout(link.uptimeTimer);
    clearTimeout(link.rejectTimer);
    clearTimeout(link.answerTimer);
    link.answered = undefined;
    link.resume?.end();
    link.cancelSetup?.();
    link.cancelSetup = undefined;
    link.confirmed = false;
    link.rejected = false;
    link.authError = undefined;
    link.verdictWait?.end();
    if (session.primary === link) session.heartbeat?.stop();
  }

  // ── in-band auth and re-authentication ──────────────────────────────────

  /** Waits for the server's verdict on `link`'s credential (sending the auth frame, if any); `false` without a handshake. */
  #authenticateInBand(link: Link, onVerdict: (verdict: Verdict) => void, credential = link.credential!, live = false): boolean {
    this.#handshake?.awaitVerdict(link, credential.token, (msg) => this.#toFrame(msg), onVerdict, live);
    return Boolean(this.#handshake);
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
      throw fail('CONNECTION_FAILED', 'connection changed during re-authentication');
    }
    await new Promise<void>((resolve, reject) => {
      let wait: PendingVerdict | undefined;
      this.#authenticateInBand(link, (verdict) => {
        // The server closed after its reject: the close's own handling reports it.
        if (verdict === 'ended' && wait?.rejected) return reject(this.#handshake!.verdictError('reject', 'reconnecting'));
        if (verdict !== 'ack') return reject(this.#handshake!.failAuth(link, verdict, true));
        link.credential = credential;
        // What was sent while a reject awaited its close (that turned out no verdict) goes out now.
        this.#pendingQueue.flush((frame) => this.#sendOn(link, frame));
        this.#scheduleRefresh(session, credential);
        this.#events.emit('reauthenticated', { via: 'in-place' });
        resolve();
      }, credential, true);
      wait = link.verdictWait;
    });
  }

  /** A make-before-break candidate was accepted: it becomes the current connection. */
  #promote(session: Session, link: Link): void {
    this.#resetAttempt(session, session.primary);
    session.primary = link;
    this.#confirm(session, link);
    this.#measureUptime(session, link);
    this.#pendingQueue.flush((frame) => this.#sendOn(link, frame));
    this.#startHeartbeat(session, link);
    this.#scheduleRefresh(session, link.credential);
    this.#events.emit('reauthenticated', { via: 'reconnect' });
  }

  #scheduleRefresh(session: Session, credential: FetchedCredential | undefined): void {
    clearTimeout(session.refreshTimer);
    session.refreshTimer = undefined;
    const delay = refreshDelay(credential);
    if (delay === undefined) return;
    session.refreshTimer = setTimeout(() => {
      this.#log('token expiring: re-authenticating');
      this.reauthenticate().catch(() => {}); // failures are already on the `error` event
    }, delay);
  }

  // ── liveness and the page ───────────────────────────────────────────────

  #startHeartbeat(session: Session, link: Link): void {
    session.heartbeat?.stop();
    const options = this.#heartbeat;
    if (!options) return;
    session.heartbeat = options.startHeartbeat((ping) => link.transport.send(this.#toFrame(ping)), () => {
      this.#log(`no pong in ${options.timeout} ms: reconnecting`);
      link.transport.drop(RETRY_NOW, 'heartbeat timeout');
    });
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
      // Navigating away mid-handshake: the credential cookie must not outlive the page.
      leaving: () => {
        this.#carrier?.settle?.(session.primary);
        if (session.candidate) this.#carrier?.settle?.(session.candidate);
      },
    });
  }

  /** Entering the back/forward cache: close cleanly, keep the queue. */
  #suspend(session: Session): void {
    if (session.suspended || this.state === 'closed') return;
    session.suspended = true;
    this.#closeLinks(session, 1000, 'page hidden', 're-authentication: page hidden');
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

  /** Writes an app frame on `link` (through the resume session, which numbers and keeps it); `false` when it cannot. */
  #sendOn(link: Link, frame: Frame): boolean {
    return link.resume ? link.resume.write(frame) : link.transport.send(frame);
  }

  #toFrame(msg: unknown): Frame {
    return typeof msg === 'string' ? msg : this.#codec.encode(msg as Out);
  }

  #emitError(error: unknown): void {
    const failure = error instanceof AuthSocketError
      ? error
      : fail('CONNECTION_FAILED', 'unexpected (see cause)', error);
    failure.message = this.#redactor.redact(failure.message);
    this.#log(`error ${failure.code}: ${failure.message}`);
    this.#events.emit('error', failure);
  }

  #log(line: string): void {
    this.#debugSink?.(this.#redactor.redact(`[authsocket] ${line}`));
  }
}




