import type { AttemptPlan } from '../carriers/carrier.ts';
import { AuthSocketError, fail } from '../errors/AuthSocketError.ts';
import { retireDelay } from './credential.ts';
import type { Verdict } from '../wire.ts';
import { noSubprotocolError } from './unopenedHint.ts';
import { CONFIRM_AFTER, type CandidateHandle, type Link, type Session } from './session.ts';
import type { Ending } from '../wire.ts';

/**
 * A connection replaced by a re-authenticated one stays open this long, so that
 * replies already on their way still arrive: browsers drop every message that
 * arrives after `close()` was called.
 */
export const RETIRE_AFTER = 1000;

/** What the make-before-break refresh needs from the client. */
export interface MakeBeforeBreakHost {
  /** A new connection whose transport routes its events back here while it is the candidate. */
  createLink(session: Session, handle: CandidateHandle): Link;
  /** Fetches a credential and plans an attempt for `link`; throws on a failed provider. */
  planAttempt(session: Session, link: Link): Promise<AttemptPlan | undefined>;
  /** Waits for the server's verdict on `link` (sending the auth frame, if any); `false` when there is no handshake. */
  authenticateInBand(link: Link, onVerdict: (verdict: Verdict) => void): boolean;
  /** Runs `options.setup` on `link`; `done()` at once without one. */
  runSetup(link: Link, done: (error?: AuthSocketError) => void): void;
  /** The candidate is authenticated: it becomes the session's current connection. */
  promote(session: Session, link: Link): void;
  /** Undoes what the carrier's `prepare` left behind (the cookie). */
  settleCarrier(link: Link): void;
  /** The application subprotocols offered, for the error when the server selected none. */
  offered(): readonly string[];
  /** What a failed verdict on the candidate means (only called with a handshake). */
  verdictError(verdict: Exclude<Verdict, 'ack'>, next: string): AuthSocketError;
  emitError(error: unknown): void;
  log(line: string): void;
  redact(text: string): string;
}

/**
 * Make-before-break re-authentication: a second connection with a fresh
 * credential, switched to once the server accepted it; the previous one is
 * retired (closed with 1000 after {@link RETIRE_AFTER}, or sooner so that it
 * closes before its credential expires). A failed candidate
 * leaves the current connection untouched.
 */
export class MakeBeforeBreak {
  readonly #host: MakeBeforeBreakHost;

  constructor(host: MakeBeforeBreakHost) {
    this.#host = host;
  }

  /** Starts a candidate; settles when it was switched to or failed. */
  start(session: Session): Promise<void> {
    return new Promise((resolve, reject) => {
      session.candidate = this.#host.createLink(session, { resolve, reject, attempted: false });
    });
  }

  /** A candidate makes exactly one attempt. */
  async nextAttempt(session: Session, link: Link): Promise<AttemptPlan | undefined> {
    const handle = link.candidate!;
    if (handle.attempted || session.abort.signal.aborted) return undefined;
    handle.attempted = true;
    try {
      return await this.#host.planAttempt(session, link);
    } catch (error) {
      this.#host.emitError(error);
      this.drop(session, link, error as AuthSocketError);
      return undefined;
    }
  }

  onOpen(session: Session, link: Link): void {
    this.#host.settleCarrier(link);
    const handshake = this.#host.authenticateInBand(link, (verdict) => {
      if (verdict === 'ack') {
        link.authenticated = true;
        return this.#setUp(session, link);
      }
      if (verdict === 'ended') return;
      const error = this.#host.verdictError(verdict, 'the current connection stays up');
      this.#host.emitError(error);
      this.drop(session, link, error);
    });
    if (handshake) return;
    // Servers close with 4401 right after accepting: without an ack, the new
    // connection counts as authenticated on its first message or after 2 s.
    link.confirmTimer = setTimeout(() => this.#authenticated(session, link), CONFIRM_AFTER);
    this.#setUp(session, link);
  }

  /**
   * A message (not an auth verdict) arrived on the candidate. Without a
   * handshake it proves the credential was accepted. `true` when it is to be
   * delivered (the candidate is authenticated).
   */
  onMessage(session: Session, link: Link, handshake: boolean): boolean {
    if (!handshake) this.#authenticated(session, link);
    return Boolean(link.authenticated);
  }

  #authenticated(session: Session, link: Link): void {
    if (link.authenticated) return;
    clearTimeout(link.confirmTimer);
    link.authenticated = true;
    this.#switchWhenReady(session, link);
  }

  #setUp(session: Session, link: Link): void {
    this.#host.runSetup(link, (error) => {
      if (session.candidate !== link) return;
      if (error) {
        this.#host.emitError(error);
        return this.drop(session, link, error);
      }
      link.setUp = true;
      this.#switchWhenReady(session, link);
    });
  }

  /** The switch waits for both: the server accepted the credential and `setup` settled. */
  #switchWhenReady(session: Session, link: Link): void {
    if (link.authenticated && link.setUp) this.#switchTo(session, link);
  }

  onEnd(session: Session, link: Link, ending: Ending): void {
    link.verdictWait?.end();
    const reason = this.#host.redact(ending.reason);
    const error = ending.noSubprotocol ? noSubprotocolError(this.#host.offered(), 'the current connection stays up') : fail(
      session.policy.judgeClose(ending.code, ending.local) === 'transient' ? 'CONNECTION_FAILED' : 'AUTH_REJECTED',
      `re-authentication failed: new connection closed with ${ending.code}${reason ? ` (${reason})` : ''}; the current connection stays up`,
    );
    this.#host.emitError(error);
    this.drop(session, link, error);
  }

  /** Gives up a pending candidate, if any. */
  abandon(session: Session, why: string): void {
    if (session.candidate) this.drop(session, session.candidate, fail('CONNECTION_FAILED', why));
  }

  drop(session: Session, link: Link, error: AuthSocketError): void {
    clearTimeout(link.confirmTimer);
    link.verdictWait?.end();
    link.cancelSetup?.();
    if (session.candidate === link) session.candidate = undefined;
    link.transport.stop(1000, 'reauthentication failed');
    // Whatever stage it failed in (provider, handshake, refused before open), nothing of its credential stays behind.
    this.#host.settleCarrier(link);
    link.candidate?.reject(error);
  }

  /** Closes a replaced connection now. */
  retire(session: Session, link: Link): void {
    clearTimeout(link.retireTimer);
    session.retired.delete(link);
    link.transport.stop(1000, 'reauthenticated');
  }

  #switchTo(session: Session, link: Link): void {
    if (session.candidate !== link) return;
    clearTimeout(link.confirmTimer);
    link.cancelSetup = undefined;
    const previous = session.primary;
    session.candidate = undefined;
    session.retired.add(previous);
    const linger = retireDelay(previous.credential, RETIRE_AFTER);
    previous.retireTimer = setTimeout(() => this.retire(session, previous), linger);
    this.#host.promote(session, link);
    this.#host.log(`re-authenticated; old connection closes in ${linger} ms`);
    link.candidate?.resolve();
  }
}
