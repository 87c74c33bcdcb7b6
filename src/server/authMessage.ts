// The first-message carrier's frames: `{ "type": "auth", "token": "…" }` in,
// `{ "type": "auth_ok" }` or `{ "type": "auth_error" }` out. One parser for
// both readers of auth frames (the first frame, and re-authentication on a
// live socket), so that they never disagree on what an auth frame is.
import type { RawData } from 'ws';

export const AUTH_OK = JSON.stringify({ type: 'auth_ok' });
export const AUTH_ERROR = JSON.stringify({ type: 'auth_error' });

// A JSON text can only say "auth" with these letters, or with a `\u` escape:
// a frame with neither is not parsed at all (most app frames, cheaply).
const AUTH_WORD = Buffer.from('auth');
const ESCAPE = Buffer.from('\\');

/**
 * The token of an auth frame; `''` for an auth frame without a usable token
 * (a refused credential); `undefined` when the frame is no auth message.
 */
export function readAuthFrame(data: RawData, isBinary: boolean): string | undefined {
  const frame = parseAuthFrame(data, isBinary);
  if (frame === undefined) return undefined;
  return typeof frame.token === 'string' ? frame.token : '';
}

/** The frame as an object when its `type` is `"auth"`, else `undefined`. */
export function parseAuthFrame(data: RawData, isBinary: boolean): { type: 'auth'; token?: unknown } | undefined {
  if (isBinary) return undefined;
  const bytes = rawBytes(data);
  if (!bytes.includes(AUTH_WORD) && !bytes.includes(ESCAPE)) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'auth') return undefined;
  return message as { type: 'auth'; token?: unknown };
}

function rawBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
