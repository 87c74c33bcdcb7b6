import type { AttemptTarget, Carrier, InBandAuth } from '../carriers/carrier.ts';
import { AuthSocketError, fail, invalid, notOpen } from '../errors/AuthSocketError.ts';
import type { AuthSocketEvents, Codec, Frame, State, WebSocketConstructorLike } from '../types.ts';
import { SecretRedactor } from '../utils/redact.ts';
import { toSocketUrl } from '../utils/url.ts';
import type { TabGroup } from '../tabs/sharedSession.ts';
import { jsonCodec } from './codec.ts';
import { Emitter, type PayloadListeners } from '../emitter.ts';
import { attemptFeatures, optionValue } from './features.ts';
import {
  checkAuthSource,
  checkMaxFailures,
  checkProtocols,
  checkQueueMax,
  checkTransportSecurity,
  resolveReconnect,
} from './options.ts';
import { Outbox } from './outbox.ts';
import { PendingQueue } from './pendingQueue.ts';
import type { CoreOptions } from './plugins.ts';
import { checkFixedToken } from './requestSize.ts';
import { type Client, Session } from './session.ts';
import { StateMachine } from './stateMachine.ts';

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

  /** What every session shares: settings, events, state, queue. */
  readonly #client: Client<In>;
  readonly #codec: Codec<In, Out>;
  readonly #tabs: TabGroup<In> | undefined;
  #session: Session<In> | undefined;
  /** `close()` was called and `open()` not since: `send()` throws rather than queue for nobody. */
  #closedByApp = false;

  /**
   * @param url - `ws:`/`wss:` (or `http:`/`https:`, converted; a relative path resolves against the page)
   * @throws {@link AuthSocketError} `INVALID_URL`, `INVALID_OPTIONS`, `INSECURE_TRANSPORT`, `UNSUPPORTED_CARRIER` or `COOKIE_SCOPE`
   */
  constructor(url: string | URL, options: CoreOptions<In, Out> = {}) {
    const socketUrl = toSocketUrl(url);
    this.url = socketUrl.href;
    const target: AttemptTarget = { url: socketUrl, protocols: checkProtocols(options.protocols) };
    const reconnect = resolveReconnect(options.reconnect);
    const heartbeat = optionValue('heartbeat', options.heartbeat);
    const queueMax = checkQueueMax(options.queue);
    const codec = (this.#codec = options.codec ?? jsonCodec);
    const events = new Emitter<PayloadListeners<AuthSocketEvents<In>>>();
    const outbox = new Outbox(events);
    const redactor = new SecretRedactor();
    const debug = options.debug === true ? (line: string) => console.debug(line) : options.debug || undefined;
    const log = (line: string) => debug?.(redactor.redact(`[authsocket] ${line}`));
    const error = (cause: unknown) => {
      const failure = cause instanceof AuthSocketError ? cause : fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? 'unexpected (see cause)' : '', cause);
      failure.message = redactor.redact(failure.message);
      log(`error ${failure.code}: ${failure.message}`);
      outbox.emit('error', failure);
    };
    const deliver = (msg: In) => outbox.emit('message', msg);
    const inbox = optionValue('validate', options.validate)?.(deliver, error) ?? { push: deliver };

    const { auth } = options;
    let carrier: Carrier | undefined;
    let handshake: InBandAuth | undefined;
    if (auth) {
      checkAuthSource(auth.token);
      checkTransportSecurity(socketUrl, true, options.allowInsecure);
      const { via, ack } = auth;
      if (typeof via !== 'function') throw invalid(process.env.NODE_ENV !== 'production' ? "auth.via: pass a carrier from 'authsocket/lite'" : 'auth.via');
      carrier = via({ auth, url: socketUrl, WebSocket: options.WebSocket, connectionTimeout: reconnect.connectionTimeout });
      if (auth.refresh === 'in-place' && !carrier.inBand) throw invalid(process.env.NODE_ENV !== 'production' ? "auth.refresh 'in-place' needs auth.via 'message'" : 'auth.refresh');
      if (ack && typeof ack !== 'function') throw invalid(process.env.NODE_ENV !== 'production' ? "auth.ack: pass ack from 'authsocket/lite'" : 'auth.ack');
      handshake = carrier.inBand ?? ack?.(auth);
      if (typeof auth.token === 'string') checkFixedToken(carrier, auth.token, target);
    }
    const setup = optionValue('setup', options.setup);
    optionValue('resume', options.resume); // a plain `resume: true` in the lite entry is an error, not silently off
    const WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
    if (!WebSocket) throw invalid(process.env.NODE_ENV !== 'production' ? "no WebSocket here: pass options.WebSocket (Node: from 'ws')" : 'WebSocket');
    const machine = new StateMachine((change) => {
      log(`state ${change.from} -> ${change.to}`);
      outbox.emit('state', change);
    });
    const features = attemptFeatures(options);
    // Frames a feature keeps (resume: sent, not yet acknowledged) share queue.max with the queue.
    const kept = features.map((feature) => feature.keeps?.(queueMax, this.url)).filter((count) => count !== undefined);
    const queue = new PendingQueue(queueMax, () => kept.reduce((sum, count) => sum + count(), 0));
    this.#client = {
      url: this.url,
      target,
      token: auth?.token,
      inPlace: auth?.refresh === 'in-place',
      carrier,
      rules: {
        carrier,
        handshake,
        setup,
        heartbeat,
        features,
        setupTimeout: reconnect.connectionTimeout,
        minUptime: reconnect.minUptime,
        toFrame: (msg) => (typeof msg === 'string' ? msg : codec.encode(msg as Out)),
      },
      retry: {
        reconnect,
        maxFailures: checkMaxFailures(auth?.maxFailures),
        closeCodes: optionValue('closeCodes', options.closeCodes),
        provider: typeof auth?.token === 'function',
      },
      WebSocket,
      codec,
      events: outbox,
      machine,
      queue,
      redactor,
      deliver: (msg) => inbox.push(msg),
      error,
      log,
    };
    if (options.shared && !options.share) throw invalid(process.env.NODE_ENV !== 'production' ? "shared: use 'authsocket', not lite" : 'shared');
    this.#tabs = options.share?.(this.url, queueMax, {
      socket: this, events: outbox, machine, lead: () => this.#start(),
      write: (frame) => this.#write(frame), queue: (frame) => queue.push(frame),
      session: features.find((feature) => feature.shared)?.shared?.(),
    });
    // Start on the next microtask so that listeners added right after `new` see every event.
    if (!options.startClosed) queueMicrotask(() => this.state === 'idle' && this.open());
  }

  /** The lifecycle state. */
  get state(): State {
    return this.#client.machine.state;
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
      throw fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? 'closed by close(); call open() first (nothing queued)' : 'closed');
    }
    const frame = this.#codec.encode(msg);
    if (!this.#tabs?.send(frame) && !this.#write(frame)) this.#client.queue.push(frame);
  }

  /** Writes on the open, authenticated connection now; `false` when there is none (or the queue must go first). */
  #write(frame: Frame): boolean {
    const { queue } = this.#client;
    const attempt = this.#session?.live;
    if (this.state !== 'open' || queue.size > 0 || !attempt || attempt.holding || !attempt.write(frame)) return false;
    if (!attempt.confirmed) queue.sentUnconfirmed(frame);
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
    this.#start();
  }

  #start(): void {
    this.#client.events.transition(() => {
      this.#session = new Session(this.#client);
    });
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
      throw invalid(process.env.NODE_ENV !== 'production' ? `close(${code}): give 1000 or 3000–4999` : `close(${code})`);
    }
    if (new TextEncoder().encode(reason).length > 123) {
      throw invalid(process.env.NODE_ENV !== 'production' ? 'close(): reason over 123 bytes' : 'close() reason > 123 bytes');
    }
    this.#closedByApp = true;
    const { queue, machine, events, log, rules } = this.#client;
    if (this.#tabs?.close(code, reason)) return;
    for (const feature of rules.features) feature.closing?.(); // resume: tells the server, before the close frame
    if (this.state === 'closed' && queue.size === 0) return;
    events.transition(() => {
      this.#session?.end(code, reason);
      const dropped = queue.drop();
      machine.moveTo('closed');
      log(`close(${code}); ${dropped} queued dropped`);
      events.emit('close', { code, reason, wasClean: true, willReconnect: false, dropped });
    });
  }

  /**
   * Drops the current connection (if any) and connects again at once with a fresh credential.
   * @example
   * ```ts
   * socket.reconnect(); // e.g. after the user switched accounts
   * ```
   */
  reconnect(): void {
    if (this.#tabs?.reconnect()) return;
    const session = this.#session;
    if (!session || session.over) return this.open();
    this.#client.events.transition(() => session.reconnect());
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
    if (!this.#client.token) return Promise.reject(invalid(process.env.NODE_ENV !== 'production' ? 'reauthenticate() needs options.auth' : 'auth'));
    const relayed = this.#tabs?.reauthenticate();
    if (relayed) return relayed;
    return this.#session?.reauthenticate() ?? Promise.reject(notOpen(this.state));
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
        else if (state === 'closed') reject(fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? 'closed; call open() first' : 'closed'));
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
    return this.#client.events.on(type, listener);
  }

  /**
   * Listens to the next occurrence of an event only.
   * @example
   * ```ts
   * socket.once('open', () => console.log('authenticated'));
   * ```
   */
  once<K extends keyof AuthSocketEvents<In>>(type: K, listener: (payload: AuthSocketEvents<In>[K]) => void): () => void {
    const off = this.on(type, (payload) => {
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
    this.#client.events.off(type, listener);
  }
}
