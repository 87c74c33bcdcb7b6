import type { AuthSocketError } from '../errors/AuthSocketError.ts';
import type { wait } from '../utils/wait.ts';
import type { FetchedCredential } from './credential.ts';
import type { Heartbeat } from './heartbeat.ts';
import type { ResumeConnection } from './resume.ts';
import type { RetryPolicy } from './retryPolicy.ts';
import type { Transport } from './transport.ts';

/** For carriers without an ack, a connection that stays open this long counts as accepted. */
export const CONFIRM_AFTER = 2000;

/** What `reauthenticate()` waits for while a make-before-break candidate connects. */
export interface CandidateHandle {
  resolve(): void;
  reject(error: AuthSocketError): void;
  attempted: boolean;
}

/** A pending wait for the server's verdict on a credential (src/core/inBandAuth.ts's VerdictWait). */
export interface PendingVerdict {
  /** Reads an incoming message; `true` when it was a verdict (not delivered). */
  read(msg: unknown): boolean;
  /** The connection ended. */
  end(): void;
  /** A reject awaits its close: nothing may be written meanwhile. */
  readonly holding: boolean;
  /** A reject arrived. */
  readonly rejected: boolean;
}

/** One self-reconnecting connection and what its current attempt is waiting for. */
export interface Link {
  transport: Transport;
  credential?: FetchedCredential | undefined;
  confirmed: boolean;
  confirmTimer?: ReturnType<typeof setTimeout> | undefined;
  /** Fires once the connection stayed open `reconnect.minUptime`: the backoff starts over. */
  uptimeTimer?: ReturnType<typeof setTimeout> | undefined;
  /** The server rejected this attempt's credential by message; its close is awaited until `rejectTimer`. */
  rejected?: boolean | undefined;
  rejectTimer?: ReturnType<typeof setTimeout> | undefined;
  /** Stops reporting a running `options.setup`. */
  cancelSetup?: (() => void) | undefined;
  /** A make-before-break candidate the server accepted (ack, first message or 2 s open). */
  authenticated?: boolean | undefined;
  /** A make-before-break candidate whose `options.setup` has settled. */
  setUp?: boolean | undefined;
  /** A client-side auth failure (reject, ack timeout) to report when the connection's end is handled. */
  authError?: ((next: string) => AuthSocketError) | undefined;
  /** The pending in-band auth (an ack is awaited). */
  verdictWait?: PendingVerdict | undefined;
  /** Replaced by a re-authenticated connection, closing soon. */
  retireTimer?: ReturnType<typeof setTimeout> | undefined;
  /** For a make-before-break candidate: settles `reauthenticate()`. */
  candidate?: CandidateHandle | undefined;
  /** With `resume`: the current attempt's part in the session (every frame in and out passes it). */
  resume?: ResumeConnection | undefined;
  /** With `resume`: what the attempt does once the gate's session frame arrived, and the deadline for it. */
  answered?: (() => void) | undefined;
  answerTimer?: ReturnType<typeof setTimeout> | undefined;
}

/** Everything that lives from `open()` to `close()` (or giving up). */
export interface Session {
  abort: AbortController;
  primary: Link;
  candidate?: Link | undefined;
  /** Connections replaced by a re-authenticated one, not yet closed. */
  retired: Set<Link>;
  /** Attempts made in this session (1 for the first). */
  attempt: number;
  /** Backoff, `maxRetries`, `maxFailures` and the never-opened hint. */
  policy: RetryPolicy;
  nextDelay: number;
  /** The longest line of the last handshake request, for the `CONNECTION_FAILED` hint. */
  longestLine?: { line: string; bytes: number } | undefined;
  backoff?: ReturnType<typeof wait> | undefined;
  heartbeat?: Heartbeat | undefined;
  refreshTimer?: ReturnType<typeof setTimeout> | undefined;
  reauthentication?: Promise<void> | undefined;
  suspended: boolean;
  detachBrowser: () => void;
}
