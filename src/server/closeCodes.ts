// The close codes and reasons the gate uses; the client SDK understands them.
// Reasons name the failure, never the credential.
export const CLOSE = {
  /** Missing or invalid credential: the client fetches a fresh one and retries. */
  unauthorized: { code: 4401, reason: 'unauthorized' },
  /** No auth frame within `timeout` (message carrier). */
  authTimeout: { code: 4401, reason: 'auth timeout' },
  /** `verify` threw `Forbidden`: the client stops. The reason is the error's message. */
  forbidden: { code: 4403, reason: 'forbidden' },
  /** The first frame was not an auth message (message carrier). */
  policy: { code: 1008, reason: 'auth message expected' },
  /** Too many frames arrived before the auth frame was answered (message carrier). */
  flood: { code: 1008, reason: 'too many frames before auth' },
  /** `verify` failed unexpectedly. */
  internal: { code: 1011, reason: 'verify failed' },
  /** `verify` did not settle within `limits.verifyTimeout`: the client retries with backoff. */
  tryAgain: { code: 1013, reason: 'try again later' },
  /** A frame before authentication was bigger than `limits.authFrameBytes` (message carrier). */
  authFrameTooBig: { code: 1009, reason: 'auth frame too big' },
  /** The gate is shutting down. */
  goingAway: { code: 1001, reason: 'server closing' },
} as const;

/** Cuts `reason` to the 123 bytes a close frame can carry, on a character boundary. */
export function closeReason(reason: string): string {
  let cut = reason;
  while (Buffer.byteLength(cut) > 123) cut = cut.slice(0, -1);
  return cut;
}
