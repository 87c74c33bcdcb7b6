// The close codes and reasons the gate uses; the client SDK understands them.
// Reasons name the failure, never the credential. The codes are the wire
// contract's (src/wire.ts), shared with the client.
import { CLOSE_CODE } from '../../wire.ts';

const { UNAUTHORIZED, FORBIDDEN, POLICY_VIOLATION, MESSAGE_TOO_BIG, INTERNAL_ERROR, TRY_AGAIN_LATER, GOING_AWAY } = CLOSE_CODE;
export const CLOSE = {
  /** Missing or invalid credential: the client fetches a fresh one and retries. */
  unauthorized: { code: UNAUTHORIZED, reason: 'unauthorized' },
  /** No auth frame within `timeout` (message carrier). */
  authTimeout: { code: UNAUTHORIZED, reason: 'auth timeout' },
  /** The credential's end passed (or an in-place re-authentication proved another user). */
  expired: { code: UNAUTHORIZED, reason: 'credential expired' },
  identityChanged: { code: UNAUTHORIZED, reason: 'identity changed' },
  /** `verify` threw `Forbidden`: the client stops. The reason is the error's message. */
  forbidden: { code: FORBIDDEN, reason: 'forbidden' },
  /** The first frame was not an auth message (message carrier). */
  policy: { code: POLICY_VIOLATION, reason: 'auth message expected' },
  /** Too many frames arrived before the auth frame was answered (message carrier). */
  flood: { code: POLICY_VIOLATION, reason: 'too many frames before auth' },
  /** A second auth frame arrived while one was being verified. */
  overlapping: { code: POLICY_VIOLATION, reason: 'one re-authentication at a time' },
  /** `verify` failed unexpectedly. */
  internal: { code: INTERNAL_ERROR, reason: 'verify failed' },
  /** The gate itself failed (a `connection` listener threw, a socket without identity). */
  internalError: { code: INTERNAL_ERROR, reason: 'internal error' },
  /** `verify` did not settle within `limits.verifyTimeout`: the client retries with backoff. */
  tryAgain: { code: TRY_AGAIN_LATER, reason: 'try again later' },
  /** A frame before authentication was bigger than `limits.authFrameBytes` (message carrier). */
  authFrameTooBig: { code: MESSAGE_TOO_BIG, reason: 'auth frame too big' },
  /** The gate is shutting down. */
  goingAway: { code: GOING_AWAY, reason: 'server closing' },
} as const;

const utf8 = new TextEncoder();

/** Cuts `reason` to the 123 bytes a close frame can carry, on a character boundary. */
export function closeReason(reason: string): string {
  let cut = reason;
  while (utf8.encode(cut).length > 123) cut = cut.slice(0, -1);
  return cut;
}
