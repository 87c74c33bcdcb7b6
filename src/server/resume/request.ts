// The resume request, read from the upgrade's subprotocol entries: the client
// offers `authsocket.resume` (start a session) or
// `authsocket.resume.<session>.<received>` (continue one) as its last entry.
import { RESUME_PROTOCOL, RESUME_SESSION_ID } from '../../wire.ts';

/** What the upgrade asked of the session layer. */
export type ResumeRequest =
  | { kind: 'none' }
  | { kind: 'new' }
  | { kind: 'continue'; session: string; received: number }
  | { kind: 'malformed' };

const CONTINUE_PREFIX = `${RESUME_PROTOCOL}.`;
/** Decimal, no sign, no leading zero; at most 15 digits (a safe integer). */
const COUNT = /^(0|[1-9][0-9]{0,14})$/;

/** Whether a subprotocol entry belongs to resume (the gate never selects one). */
export function isResumeEntry(entry: string): boolean {
  return entry === RESUME_PROTOCOL || entry.startsWith(CONTINUE_PREFIX);
}

/**
 * The request among `offered`. Two resume entries, or one that does not parse,
 * is `malformed` (the gate refuses the upgrade with HTTP 400).
 */
export function readResumeRequest(offered: readonly string[]): ResumeRequest {
  const entries = offered.filter(isResumeEntry);
  if (entries.length === 0) return { kind: 'none' };
  if (entries.length > 1) return { kind: 'malformed' };
  const entry = entries[0]!;
  if (entry === RESUME_PROTOCOL) return { kind: 'new' };
  const [session, received, ...rest] = entry.slice(CONTINUE_PREFIX.length).split('.');
  if (rest.length > 0 || !RESUME_SESSION_ID.test(session ?? '') || !COUNT.test(received ?? '')) return { kind: 'malformed' };
  return { kind: 'continue', session: session!, received: Number(received) };
}
