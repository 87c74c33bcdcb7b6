import { type AttemptPlan, type AttemptTarget, type Carrier, planFor } from '../carriers/carrier.ts';
import { type AuthSocketError, fail, notOpen } from '../errors/AuthSocketError.ts';
import type { AuthOptions, AuthSocketEvents, Codec, WebSocketConstructorLike } from '../types.ts';
import type { SecretRedactor } from '../utils/redact.ts';
import { wait } from '../utils/wait.ts';
import { DEFAULT_APP_PROTOCOL, type Ending, RESUME_MOVED } from '../wire.ts';
import { Attempt, type AttemptReports, type AttemptRules, type OpenExtra } from './attempt.ts';
import { isOffline, watchBrowserSignals } from './browserSignals.ts';
import { RETRY_NOW } from './closeCodes.ts';
import { fetchCredential, type FetchedCredential, refreshDelay, retireDelay } from './credential.ts';
import type { Outbox } from './outbox.ts';
import type { PendingQueue } from './pendingQueue.ts';
import { checkHandshakeSize, longestLine } from './requestSize.ts';
import { RetryPolicy, type RetryRules, type Stop } from './retryPolicy.ts';
import type { StateMachine } from './stateMachine.ts';
import { Transport } from './transport.ts';
import { isNetworkFailure, noSubprotocolError, unopenedHint } from './unopenedHint.ts';

/**
 * A connection replaced by a re-authenticated one stays open this long, so that
 * replies already on their way still arrive: browsers drop every message that
 * arrives after `close()` was called.
 */
export const RETIRE_AFTER = 1000;

/** What every session of one client shares: its settings and the parts the client owns. */
export interface Client<In> {
  readonly url: string;
  readonly target: AttemptTarget;
  /** `auth.token`; `undefined` without `auth`. */
  readonly token: AuthOptions['token'] | undefined;
  /** `auth.refresh: 'in-place'`. */
  readonly inPlace: boolean;
  readonly carrier: Carrier | undefined;
  readonly rules: AttemptRules;
  readonly retry: RetryRules;
  readonly WebSocket: WebSocketConstructorLike;
  readonly codec: Codec<In, any>;
  readonly events: Outbox<AuthSocketEvents<In>>;
  readonly machine: StateMachine;
  readonly queue: PendingQueue;
  readonly redactor: SecretRedactor;
  /** Hands an application message on to `message` listeners (through `validate`, when set). */
  deliver(msg: In): void;
  error(error: unknown): void;
  log(line: string): void;
}

/**
 * Everything from `open()` to `close()` (or giving up): the live connection
 * and its attempts, a make-before-break candidate, connections being retired,
 * the retry policy and the refresh timer. It reads the attempts' reports and
 * moves the client's state; it is the only writer of its fields.
 */
export class Session<In> implements AttemptReports {
  readonly #client: Client<In>;
  readonly #abort = new AbortController();
  /** Backoff, `maxRetries`, `maxFailures` and the never-opened hint. */
  readonly #policy: RetryPolicy;
  /** The live connection: its socket is the client's. */
  #transport: Transport;
  /** The live connection's current attempt. */
  #live: Attempt | undefined;
  #candidate: Attempt | undefined;
  /** Settles `reauthenticate()` once the candidate was switched to or failed. */
  #switch: { resolve(): void; reject(error: AuthSocketError): void } | undefined;
  /** Connections replaced by a re-authenticated one, not yet closed. */
  readonly #retired = new Set<Attempt>();
  /**
   * The live connection ended because the candidate took its `resume` session
   * over (its answer is on the way): the switch comes with that answer, or,
   * should the candidate fail, this ending is handled then.
   */
  #movedAway: { attempt: Attempt; ending: Ending } | undefined;
  /** Attempts made in this session (1 for the first). */
  #attempt = 0;
  #nextDelay = 0;
  #backoff: ReturnType<typeof wait> | undefined;
  /** The longest line of the last handshake request, for the `CONNECTION_FAILED` hint. */
  #longestLine: { line: string; bytes: number } | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #reauthentication: Promise<void> | undefined;
  #suspended = false;
  readonly #detachBrowser: () => void;

  constructor(client: Client<In>) {
    this.#client = client;
    this.#policy = new RetryPolicy(client.retry);
    client.machine.moveTo('connecting');
    this.#detachBrowser = this.#watchBrowser();
    this.#transport = this.#connect();
  }

  /** Ended: closed, or given up. */
  get over(): boolean {
    return this.#abort.signal.aborted;
  }

  /** The live connection's current attempt. */
  get live(): Attempt | undefined {
    return this.#live;
  }

  /** Drops the live connection and connects again at once with a fresh credential. */
  reconnect(): void {
    if (this.#movedAway) this.#abandon('reconnect requested'); // the live connection is gone: a new one starts
    this.#wake();
    this.#transport.drop(RETRY_NOW, 'reconnect requested');
  }

  /** Re-authenticates in place or by make-before-break; one at a time. */
  reauthenticate(): Promise<void> {
    const { state } = this.#client.machine;
    if (state !== 'open') return Promise.reject(notOpen(state));
    this.#reauthentication ??= (this.#client.inPlace ? this.#refreshInPlace() : this.#makeBeforeBreak()).finally(() => {
      this.#reauthentication = undefined;
    });
    return this.#reauthentication;
  }

  /** Closes every connection of the session for good. */
  end(code: number, reason: string): void {
    if (this.over) return;
    this.#abort.abort();
    this.#detachBrowser();
    this.#closeAll(code, reason, 're-authentication: closed');
  }

  // ── what the attempts report ────────────────────────────────────────────

  opened(attempt: Attempt): void {
    if (attempt.role === 'live') this.#policy.opened();
  }

  authenticating(attempt: Attempt): void {
    if (attempt.role === 'live') this.#settle(() => this.#client.machine.moveTo('authenticating'));
  }

  /** The server accepted this attempt: the failure counters start over. */
  confirmed(attempt: Attempt): void {
    if (attempt.role !== 'live') return;
    this.#policy.confirmed();
    this.#client.queue.confirm();
  }

  ready(attempt: Attempt, extra: OpenExtra): void {
    this.#settle(() => (attempt.role === 'live' ? this.#becomeOpen(attempt, extra) : this.#switchTo(attempt)));
  }

  /** The backoff and `maxRetries` start over only once a connection stayed open `minUptime` (no tight loops). */
  stayedUp(attempt: Attempt): void {
    if (attempt.role === 'live') this.#policy.stayedUp();
  }

  failed(attempt: Attempt, error: AuthSocketError): void {
    this.#settle(() => {
      this.#client.error(error);
      if (attempt.role === 'candidate') this.#dropCandidate(error);
      else attempt.transport.drop(1000, 'setup failed');
    });
  }

  log(line: string): void {
    this.#client.log(line);
  }

  // ── attempts ────────────────────────────────────────────────────────────

  /**
   * A connection (reconnecting-websocket cycling sockets) whose socket events
   * go to the attempt they belong to. `candidate`: its first attempt is the
   * make-before-break candidate; it makes more only once switched to.
   */
  #connect(candidate = false): Transport {
    let attempt: Attempt | undefined;
    let tried = false;
    const transport: Transport = new Transport(
      {
        nextAttempt: async () => {
          let next: [Attempt, AttemptPlan] | undefined;
          if (transport === this.#transport) next = await this.#nextLive(transport);
          else if (candidate && !tried) {
            tried = true;
            next = await this.#nextCandidate();
          }
          attempt = next?.[0];
          return next?.[1];
        },
        onOpen: () => this.#settle(() => attempt!.open()),
        onMessage: (data) => this.#settle(() => this.#onFrame(attempt!, data)),
        onEnd: (ending) => this.#settle(() => this.#onEnd(attempt!, ending)),
      },
      { WebSocket: this.#client.WebSocket, connectionTimeout: this.#client.retry.reconnect.connectionTimeout },
    );
    return transport;
  }

  /** Backoff wait, offline wait, fresh credential, plan. Resolves `undefined` when the session is over. */
  async #nextLive(transport: Transport): Promise<[Attempt, AttemptPlan] | undefined> {
    const { signal } = this.#abort;
    const client = this.#client;
    for (;;) {
      if (this.#nextDelay > 0) {
        this.#backoff = wait(this.#nextDelay, signal);
        await this.#backoff.done;
        this.#backoff = undefined;
      }
      if (isOffline() && !signal.aborted) {
        client.log('offline: waiting');
        await wait(undefined, signal, window, 'online').done;
      }
      // Closed, or this connection was given up meanwhile (bfcache).
      if (!this.#current(transport)) return undefined;
      this.#attempt += 1;
      const attempt = new Attempt(transport, 'live', client.rules, this);
      this.#live = attempt;
      try {
        const plan = await this.#plan(attempt);
        if (!plan) return undefined;
        this.#settle(() => {
          client.machine.moveTo('connecting');
          client.log(`attempt ${this.#attempt}: connecting to ${client.url}${client.carrier ? ` via ${client.carrier.name}` : ''}`);
          client.events.emit('connecting', { attempt: this.#attempt });
        });
        return [attempt, plan];
      } catch (error) {
        attempt.end();
        if (signal.aborted) return undefined;
        const retrying = this.#settle(() => {
          client.error(error);
          // The provider's server is down too: the app gets the same hint as for a dead WebSocket endpoint.
          if (isNetworkFailure(error) && this.#policy.unreachable()) this.#hint(true);
          return this.#scheduleRetry(false);
        });
        if (!retrying) return undefined;
      }
    }
  }

  /** The candidate's one attempt; a failed provider fails the re-authentication. */
  async #nextCandidate(): Promise<[Attempt, AttemptPlan] | undefined> {
    const attempt = this.#candidate;
    if (!attempt || this.over) return undefined;
    try {
      const plan = await this.#plan(attempt);
      return plan && [attempt, plan];
    } catch (error) {
      this.#settle(() => {
        this.#client.error(error);
        this.#dropCandidate(error as AuthSocketError);
      });
      return undefined;
    }
  }

  /** The live transport is still wanted. */
  #current(transport: Transport): boolean {
    return !this.over && !this.#suspended && transport === this.#transport;
  }

  /** Fetches a credential and plans `attempt`; `undefined` when the session or the attempt ended meanwhile. */
  async #plan(attempt: Attempt): Promise<AttemptPlan | undefined> {
    const { carrier, token, target, redactor } = this.#client;
    if (!token || !carrier) return attempt.offer(planFor(target));
    const credential = await fetchCredential(token);
    redactor.remember(credential.token);
    // The cookie carrier's cross-tab lock (a no-op for the others).
    await carrier.acquire?.(attempt);
    // Closed (or the candidate given up) while the provider ran or the lock was
    // awaited: write nothing (no cookie after close()), release the lock.
    if (attempt.role === 'live' ? !this.#current(attempt.transport) : attempt !== this.#candidate || this.over) {
      attempt.end();
      return undefined;
    }
    attempt.carry(credential);
    const plan = carrier.prepare(credential.token, target, attempt);
    if (process.env.NODE_ENV !== 'production') this.#longestLine = longestLine(plan); // for the hint
    checkHandshakeSize(plan, carrier.name);
    return attempt.offer(plan);
  }

  #onFrame(attempt: Attempt, data: string | ArrayBuffer): void {
    const frame = attempt.receive(data);
    if (frame === undefined) return;
    let msg: In;
    try {
      msg = this.#client.codec.decode(frame);
    } catch (cause) {
      return this.#client.error(fail('DECODE_FAILED', process.env.NODE_ENV !== 'production' ? 'frame skipped: options.codec could not decode it (see cause)' : 'codec', cause));
    }
    if (attempt.read(msg)) this.#client.deliver(msg);
  }

  #onEnd(attempt: Attempt, ending: Ending): void {
    const { role } = attempt;
    attempt.end(ending);
    if (role === 'retired') {
      this.#retired.delete(attempt);
      return attempt.stop(1000, 'reauthenticated');
    }
    const { code } = ending;
    if (role === 'live' && this.#candidate && code === RESUME_MOVED.code && ending.reason === RESUME_MOVED.reason) {
      // Two sockets: the server's close of this one may arrive before its answer on the candidate.
      attempt.transport.stop();
      this.#movedAway = { attempt, ending };
      return;
    }
    if (role === 'candidate') {
      const closed = `closed with ${code}${ending.reason ? ` (${this.#client.redactor.redact(ending.reason)})` : ''}`;
      const error = ending.noSubprotocol ? noSubprotocolError(this.#offered(), 'the current connection stays up') : fail(
        this.#policy.judgeClose(code, ending.local) === 'transient' ? 'CONNECTION_FAILED' : 'AUTH_REJECTED',
        `${process.env.NODE_ENV !== 'production' ? 're-authentication failed: new connection ' : ''}${closed}; the current connection stays up`,
      );
      this.#client.error(error);
      return this.#dropCandidate(error);
    }
    this.#dropped(attempt, ending);
  }

  /** The live connection ended: reconnect, or stop as the retry policy judges. */
  #dropped(attempt: Attempt, ending: Ending): void {
    const client = this.#client;
    const { code } = ending;
    const reason = client.redactor.redact(ending.reason);
    const closed = `closed with ${code}${reason ? ` (${reason})` : ''}`;
    // The next connection fetches a fresh credential anyway.
    this.#abandon('re-authentication: the connection dropped; reconnecting');
    client.log(`connection ended: ${code}${reason ? ` (${reason})` : ''}${ending.opened ? '' : ', never opened'}`);
    const decision = this.#policy.judge(ending, attempt.rejected);
    client.queue.settleUnconfirmed(decision.refused);
    if (decision.next) {
      const error = attempt.authError(decision.next)
        ?? (ending.local ? undefined : fail('AUTH_REJECTED', process.env.NODE_ENV !== 'production' ? `credential refused: ${closed}; ${decision.next}` : closed));
      if (error) client.error(error);
    }
    if (ending.noSubprotocol) client.error(noSubprotocolError(this.#offered(), 'retrying'));
    if (decision.hintDue) this.#hint();
    client.events.emit('close', { code, reason, wasClean: ending.wasClean, willReconnect: !decision.stop });
    if (decision.stop) this.#stop(decision.stop, code, reason);
    else this.#scheduleRetry(decision.verdict === 'retry-now');
  }

  #becomeOpen(attempt: Attempt, extra: OpenExtra): void {
    const { machine, events, queue } = this.#client;
    machine.moveTo('open');
    events.emit('open', { ...extra, attempt: this.#attempt });
    attempt.live();
    this.#scheduleRefresh(attempt.credential);
    // The queue follows the `open` listeners (what they send joins it in order),
    // unless one of them ended this connection.
    events.then(() => {
      if (!attempt.ended && machine.state === 'open') queue.flush((frame) => attempt.write(frame), !attempt.confirmed);
    });
  }

  #hint(providerUnreachable = false): void {
    const carrier = this.#client.carrier?.name;
    const attempts = this.#policy.unopened;
    this.#client.error(fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? unopenedHint({
      attempts,
      credentialOnUpgrade: carrier !== undefined && carrier !== 'message',
      offered: this.#offered(),
      longest: this.#longestLine,
      providerUnreachable,
    }) : `${attempts} attempts never opened; ${providerUnreachable ? 'server down or unreachable' : 'a refused upgrade? accept it and close with 4401/4403'}`));
  }

  /** The application subprotocols every attempt offers (the token entry aside). */
  #offered(): readonly string[] {
    const { target, carrier } = this.#client;
    return target.protocols.length > 0 ? target.protocols : carrier?.name === 'subprotocol' ? [DEFAULT_APP_PROTOCOL] : [];
  }

  /** Schedules the next attempt; `false` (after giving up) when there will be none. */
  #scheduleRetry(immediately: boolean): boolean {
    if (!this.#policy.canRetry()) {
      this.#stop('retries');
      return false;
    }
    const delay = this.#policy.nextDelay(immediately);
    this.#nextDelay = delay;
    const { machine, events, log } = this.#client;
    machine.moveTo('reconnecting');
    log(`attempt ${this.#attempt + 1} in ${delay} ms`);
    events.emit('reconnecting', { attempt: this.#attempt + 1, delay });
    return true;
  }

  /** Stops retrying (the queue is kept for `open()`) and says why. */
  #stop(why: Stop, code = 0, reason = ''): void {
    const client = this.#client;
    if (why === 'retries' && client.retry.reconnect.enabled) {
      client.error(fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? `Gave up after ${this.#policy.retries} retries (reconnect.maxRetries); call open()` : `Gave up after ${this.#policy.retries} retries`));
    }
    if (why === 'fatal') {
      client.error(fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? `closed with ${code}${reason ? ` (${reason})` : ''}, fatal by options.closeCodes; stopped, queue kept; call open()` : `${code} fatal`));
    }
    this.end(1000, '');
    client.machine.moveTo('closed');
    if (why === 'unauthorized') {
      client.log(`gave up: closed with ${code}`);
      client.events.emit('unauthorized', { code, reason });
    }
  }

  /** Closes every connection of the session: the live one, a pending candidate, retired ones. */
  #closeAll(code: number, reason: string, why: string): void {
    clearTimeout(this.#refreshTimer);
    this.#movedAway = undefined;
    this.#abandon(why);
    for (const attempt of this.#retired) attempt.stop(1000, 'reauthenticated');
    this.#retired.clear();
    this.#live?.end();
    this.#transport.stop(code, reason);
  }

  /** The next attempt starts without waiting for the backoff. */
  #wake(): void {
    this.#nextDelay = 0;
    this.#backoff?.wake();
  }

  // ── re-authentication ───────────────────────────────────────────────────

  async #refreshInPlace(): Promise<void> {
    const attempt = this.#live!;
    const client = this.#client;
    let credential: FetchedCredential;
    try {
      credential = await fetchCredential(client.token!);
    } catch (error) {
      client.error(error);
      throw error;
    }
    client.redactor.remember(credential.token);
    if (this.#live !== attempt || client.machine.state !== 'open') {
      throw fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? 'connection changed during re-authentication' : 'changed');
    }
    const handshake = client.rules.handshake!;
    await new Promise<void>((resolve, reject) => {
      this.#settle(() => attempt.verify(credential, true, (verdict, rejectSeen) => this.#settle(() => {
        // The server closed after its reject: the close's own handling reports it.
        if (verdict === 'ended' && rejectSeen) return reject(handshake.error('reject', 'reconnecting'));
        if (verdict !== 'ack') return reject(attempt.refuse(verdict, true));
        attempt.carry(credential);
        // What was sent while a reject awaited its close (that turned out no verdict) goes out now.
        client.queue.flush((frame) => attempt.write(frame));
        this.#scheduleRefresh(credential);
        client.events.emit('reauthenticated', { via: 'in-place' });
        resolve();
      })));
    });
  }

  /**
   * Make-before-break: a second connection with a fresh credential, switched
   * to once the server accepted it; the previous one is retired (closed with
   * 1000 after {@link RETIRE_AFTER}, or sooner so that it closes before its
   * credential expires). A failed candidate leaves the live connection untouched.
   */
  #makeBeforeBreak(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#switch = { resolve, reject };
      this.#candidate = new Attempt(this.#connect(true), 'candidate', this.#client.rules, this);
    });
  }

  #switchTo(attempt: Attempt): void {
    if (attempt !== this.#candidate) return;
    const previous = this.#live!;
    const client = this.#client;
    this.#candidate = undefined;
    const linger = retireDelay(previous.credential, RETIRE_AFTER);
    for (const retired of this.#retired) if (retired.ended) this.#retired.delete(retired);
    if (this.#movedAway) this.#movedAway = undefined; // closed already
    else {
      previous.retire(linger);
      this.#retired.add(previous);
    }
    this.#transport = attempt.transport;
    this.#live = attempt;
    attempt.live();
    this.#policy.confirmed();
    client.queue.confirm();
    client.queue.flush((frame) => attempt.write(frame));
    this.#scheduleRefresh(attempt.credential);
    client.events.emit('reauthenticated', { via: 'reconnect' });
    client.log(`re-authenticated; old connection closes in ${linger} ms`);
    this.#switch?.resolve();
    this.#switch = undefined;
  }

  /** Gives up a pending candidate, if any. */
  #abandon(why: string): void {
    if (this.#switch) this.#dropCandidate(fail('CONNECTION_FAILED', why));
  }

  #dropCandidate(error: AuthSocketError): void {
    // Whatever stage it failed in (provider, handshake, refused before open), nothing of its credential stays behind.
    this.#candidate?.stop(1000, 'reauthentication failed');
    this.#candidate = undefined;
    this.#switch?.reject(error);
    this.#switch = undefined;
    const moved = this.#movedAway;
    if (!moved) return;
    // The live connection is gone too: a new one, as after any drop.
    this.#movedAway = undefined;
    this.#transport = this.#connect();
    this.#dropped(moved.attempt, moved.ending);
  }

  #scheduleRefresh(credential: FetchedCredential | undefined): void {
    clearTimeout(this.#refreshTimer);
    const delay = refreshDelay(credential);
    if (delay === undefined) return;
    this.#refreshTimer = setTimeout(() => {
      this.#client.log('token expiring: re-authenticating');
      this.reauthenticate().catch(() => {}); // failures are already on the `error` event
    }, delay);
  }

  // ── the page ────────────────────────────────────────────────────────────

  #watchBrowser(): () => void {
    const { machine, rules, carrier } = this.#client;
    const check = () => machine.state === 'open' && this.#live?.check();
    return watchBrowserSignals({
      offline: check,
      online: () => {
        this.#client.log('online: retrying now');
        this.#wake();
        check();
      },
      visible: (hiddenFor) => {
        if (rules.heartbeat && hiddenFor > rules.heartbeat.timeout) check();
      },
      frozen: () => this.#settle(() => this.#suspend()),
      restored: () => this.#resume(),
      // Navigating away mid-handshake: the credential cookie must not outlive the page.
      leaving: () => {
        if (this.#live) carrier?.settle?.(this.#live);
        if (this.#candidate) carrier?.settle?.(this.#candidate);
      },
    });
  }

  /** Entering the back/forward cache: close cleanly, keep the queue. */
  #suspend(): void {
    const { machine, events } = this.#client;
    if (this.#suspended || machine.state === 'closed') return;
    this.#suspended = true;
    this.#closeAll(1000, 'page hidden', 're-authentication: page hidden');
    events.emit('close', { code: 1000, reason: 'page hidden', wasClean: true, willReconnect: true });
    machine.moveTo('reconnecting');
  }

  #resume(): void {
    if (!this.#suspended || this.over) return;
    this.#suspended = false;
    this.#nextDelay = 0;
    this.#transport = this.#connect();
  }

  #settle<T>(transition: () => T): T {
    return this.#client.events.transition(transition);
  }
}
