import type { AttemptPlan, Carrier, InBandAuth, VerdictWaiting } from '../carriers/carrier.ts';
import type { AuthSocketError } from '../errors/AuthSocketError.ts';
import type { Frame } from '../types.ts';
import type { Ending, Verdict } from '../wire.ts';
import { REJECT_CLOSE_WAIT, RETRY_NOW, UNAUTHORIZED } from './closeCodes.ts';
import type { FetchedCredential } from './credential.ts';
import type { Heartbeat, HeartbeatRunner } from './heartbeat.ts';
import type { SetupRunner } from './setup.ts';
import type { AttemptFeature, AttemptHandle, OpenExtra, Role } from './features.ts';
import type { Transport } from './transport.ts';

export type { AttemptFeature, OpenExtra, Role };

/** For carriers without an ack, a connection that stays open this long counts as accepted. */
export const CONFIRM_AFTER = 2000;

/** What every attempt of one client shares, fixed at construction. */
export interface AttemptRules {
  readonly carrier: Carrier | undefined;
  /** What is awaited after open before `open`: the message carrier's ack, or any carrier's with `auth.ack`. */
  readonly handshake: InBandAuth | undefined;
  readonly setup: SetupRunner | undefined;
  readonly heartbeat: HeartbeatRunner | undefined;
  readonly features: readonly AttemptFeature[];
  /** ms `setup` may take. */
  readonly setupTimeout: number;
  /** ms open before the backoff starts over. */
  readonly minUptime: number;
  /** Turns a message the client writes itself (auth frame, ping, setup's) into a frame. */
  toFrame(msg: unknown): Frame;
}

/**
 * What an attempt tells its session, each after its own fields have settled.
 * The session decides what it means (an attempt knows its role, not the
 * client's state).
 */
export interface AttemptReports {
  /** The socket opened. */
  opened(attempt: Attempt): void;
  /** The socket opened and something is awaited before `open` (the handshake, a feature, `setup`). */
  authenticating(attempt: Attempt): void;
  /** The server accepted the credential (ack, first message, or 2 s open). */
  confirmed(attempt: Attempt): void;
  /** Accepted and set up: `open` (live) or the switch (candidate). */
  ready(attempt: Attempt, extra: OpenExtra): void;
  /** Open `minUptime` ms: the backoff starts over. */
  stayedUp(attempt: Attempt): void;
  /** `setup`, a feature or a candidate's handshake failed; the session drops the attempt. */
  failed(attempt: Attempt, error: AuthSocketError): void;
  log(line: string): void;
}

/**
 * One connection attempt: one socket of a {@link Transport}, from the
 * credential it carries to its end. It owns what that socket waits for and
 * runs on it (the handshake's verdict, `setup`, the confirmation, uptime and
 * reject timers, the heartbeat) and its role; nobody else writes them. A live
 * transport makes one attempt after another (reconnecting-websocket cycles
 * the sockets); a candidate's transport makes one.
 */
export class Attempt implements AttemptHandle {
  readonly transport: Transport;
  readonly #rules: AttemptRules;
  readonly #reports: AttemptReports;
  #role: Role;
  #credential: FetchedCredential | undefined;
  #confirmed = false;
  #setUp = false;
  #ended = false;
  /** The server refused the credential by message; its close is awaited. */
  #rejected = false;
  /** The auth failure to report when the end is handled (reject, ack timeout). */
  #authError: ((next: string) => AuthSocketError) | undefined;
  #verdict: VerdictWaiting | undefined;
  #heartbeat: Heartbeat | undefined;
  #cancelSetup: (() => void) | undefined;
  #extra: OpenExtra = {};
  readonly #timers: Array<ReturnType<typeof setTimeout>> = [];

  constructor(transport: Transport, role: Role, rules: AttemptRules, reports: AttemptReports) {
    this.transport = transport;
    this.#role = role;
    this.#rules = rules;
    this.#reports = reports;
  }

  get role(): Role {
    return this.#role;
  }

  get credential(): FetchedCredential | undefined {
    return this.#credential;
  }

  /** The server accepted this attempt's credential. */
  get confirmed(): boolean {
    return this.#confirmed;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Nothing may be written: the server refused the credential and its close is awaited. */
  get holding(): boolean {
    return this.#rejected || Boolean(this.#verdict?.holding);
  }

  /** The server refused this attempt's credential by message before it ended. */
  get rejected(): boolean {
    return this.#rejected;
  }

  /** The auth failure to report now that the attempt ended, with what comes next. */
  authError(next: string): AuthSocketError | undefined {
    return this.#authError?.(next);
  }

  /** The credential this attempt carries (after an in-place re-authentication, the new one). */
  carry(credential: FetchedCredential): void {
    this.#credential = credential;
  }

  /** The plan with what the features add to the offer. */
  offer(plan: AttemptPlan): AttemptPlan {
    for (const feature of this.#rules.features) plan.protocols.push(...(feature.offer?.(this, plan.protocols) ?? []));
    return plan;
  }

  /** Writes a frame now; `false` when the socket cannot take it (the caller keeps it). */
  send(frame: Frame): boolean {
    return !this.#ended && this.transport.send(frame);
  }

  /** Writes an application frame (a feature's `write` does it, when one has it). */
  write(frame: Frame): boolean {
    const writer = this.#rules.features.find((feature) => feature.write);
    return writer ? !this.#ended && writer.write!(this, frame) : this.send(frame);
  }

  /** The socket opened: the handshake (if any), the features' `admit`, `setup`, then {@link AttemptReports.ready}. */
  open(): void {
    const { carrier, handshake, features } = this.#rules;
    carrier?.settle?.(this);
    this.#reports.opened(this);
    for (const feature of features) feature.opened?.(this);
    if (this.#role === 'live') this.#later(() => this.#reports.stayedUp(this), this.#rules.minUptime);
    if (!handshake) {
      // Servers close with 4401 right after accepting: without an ack the
      // attempt counts as accepted on its first message or after 2 s.
      this.#later(() => this.#confirm(), CONFIRM_AFTER);
      return this.#admit();
    }
    this.#reports.authenticating(this);
    this.verify(this.#credential!, false, (verdict) => {
      if (verdict === 'ack') {
        this.#confirm();
        return this.#admit();
      }
      if (verdict === 'ended') return;
      if (this.#role === 'candidate') this.#reports.failed(this, handshake.error(verdict, 'the current connection stays up'));
      else this.refuse(verdict);
    });
  }

  /**
   * Sends `credential`'s auth frame (when the handshake has one) and reports
   * the server's verdict once. `live`: a re-authentication on an authenticated
   * connection, where a reject counts once the server closes.
   */
  verify(credential: FetchedCredential, live: boolean, onVerdict: (verdict: Verdict, rejectSeen: boolean) => void): void {
    this.#verdict?.end();
    let wait: VerdictWaiting | undefined;
    let settled = false;
    wait = this.#rules.handshake!.wait(credential.token, (frame) => this.send(frame), this.#rules.toFrame, (verdict) => {
      settled = true;
      if (this.#verdict === wait) this.#verdict = undefined;
      onVerdict(verdict, Boolean(wait?.rejected));
    }, live);
    // A wait that settled at once (the auth frame could not be written) is over already.
    if (!settled) this.#verdict = wait;
  }

  /**
   * A refused or unanswered credential fails this attempt. After a reject the
   * server gets {@link REJECT_CLOSE_WAIT} to close with its own code (4403 is
   * forbidden: no retry); without that the client closes with 4401 itself.
   * The error to emit is kept for when the end is handled, once it is known
   * whether the client retries; the one returned is for the caller.
   * `waited`: the close was already awaited (a re-authentication's reject).
   */
  refuse(verdict: Exclude<Verdict, 'ack'>, waited = false): AuthSocketError {
    const handshake = this.#rules.handshake!;
    if (verdict !== 'ended') {
      this.#authError = (next) => handshake.error(verdict, next);
      if (verdict === 'reject') {
        this.#rejected = true;
        this.#later(() => this.transport.drop(UNAUTHORIZED, 'auth rejected'), waited ? 0 : REJECT_CLOSE_WAIT);
      } else this.transport.drop(UNAUTHORIZED, 'auth timeout');
    }
    return handshake.error(verdict, 'this connection ends');
  }

  /** A raw incoming frame: the frame to decode, or `undefined` when a feature consumed it. Any frame proves a live link alive. */
  receive(data: string | ArrayBuffer): string | ArrayBuffer | undefined {
    this.#heartbeat?.alive();
    let frame: string | ArrayBuffer | undefined = data;
    for (const feature of this.#rules.features) if (frame !== undefined && feature.receive) frame = feature.receive(this, frame);
    return frame;
  }

  /**
   * A decoded incoming message: `true` when it is the application's. A
   * verdict, a pong, anything after a reject, and a candidate's messages
   * before it is accepted are not. Without a handshake, a message confirms.
   */
  read(msg: unknown): boolean {
    if (this.#verdict?.read(msg) || this.#rejected) return false;
    if (this.#role === 'retired') return true;
    if (!this.#rules.handshake) this.#confirm();
    if (this.#role === 'candidate') return this.#confirmed;
    return !this.#rules.heartbeat?.isHeartbeatPong(msg);
  }

  /** Pings now (the page came back, the network changed) when the heartbeat runs. */
  check(): void {
    this.#heartbeat?.check();
  }

  /** Live and open: the heartbeat starts. A promoted candidate's uptime starts over. */
  live(): void {
    if (this.#role === 'candidate') {
      this.#role = 'live';
      this.#later(() => this.#reports.stayedUp(this), this.#rules.minUptime);
    }
    this.#heartbeat?.stop();
    const heartbeat = this.#rules.heartbeat;
    this.#heartbeat = heartbeat?.startHeartbeat((ping) => this.send(this.#rules.toFrame(ping)), () => {
      this.#reports.log(`no pong in ${heartbeat.timeout} ms: reconnecting`);
      this.transport.drop(RETRY_NOW, 'heartbeat timeout');
    });
  }

  /** Replaced by a re-authenticated connection: closes after `linger` ms (replies on their way still arrive). */
  retire(linger: number): void {
    this.#role = 'retired';
    this.#heartbeat?.stop();
    this.#later(() => this.stop(1000, 'reauthenticated'), linger);
  }

  /** The socket ended (or the attempt is given up): every timer and wait stops, the carrier settles. */
  end(ending?: Ending): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#rules.carrier?.settle?.(this);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#cancelSetup?.();
    this.#verdict?.end();
    this.#heartbeat?.stop();
    for (const feature of this.#rules.features) feature.ended?.(this, ending);
  }

  /** Ends the attempt and closes its transport for good. */
  stop(code: number, reason: string): void {
    this.end();
    this.transport.stop(code, reason);
  }

  #confirm(): void {
    if (this.#confirmed || this.#ended) return;
    this.#confirmed = true;
    this.#reports.confirmed(this);
    this.#readyWhenDone();
  }

  /** The features' `admit`, in turn, then `setup`. */
  #admit(index = 0): void {
    const feature = this.#rules.features.slice(index).find((candidate) => candidate.admit);
    if (!feature) return this.#runSetup();
    const next = this.#rules.features.indexOf(feature) + 1;
    this.#reports.authenticating(this);
    let settled = false;
    feature.admit!(this, (extra) => {
      if (settled || this.#ended) return;
      settled = true;
      Object.assign(this.#extra, extra);
      this.#confirm();
      this.#admit(next);
    }, (error) => {
      if (settled || this.#ended) return;
      settled = true;
      this.#reports.failed(this, error);
    });
  }

  /** Runs `options.setup` on this connection (settled at once without one). */
  #runSetup(): void {
    const { setup } = this.#rules;
    if (!setup) {
      this.#setUp = true;
      return this.#readyWhenDone();
    }
    this.#reports.authenticating(this);
    this.#cancelSetup = setup((msg) => this.write(this.#rules.toFrame(msg)), this.#rules.setupTimeout, (error) => {
      this.#cancelSetup = undefined;
      if (error) return this.#reports.failed(this, error);
      this.#setUp = true;
      this.#readyWhenDone();
    });
  }

  /** Ready once `setup` settled and, for a candidate, the server accepted the credential. */
  #readyWhenDone(): void {
    if (this.#setUp && !this.#ended && (this.#confirmed || this.#role !== 'candidate')) {
      this.#setUp = false; // reported once
      this.#reports.ready(this, this.#extra);
    }
  }

  #later(run: () => void, ms: number): void {
    this.#timers.push(setTimeout(run, ms));
  }
}
