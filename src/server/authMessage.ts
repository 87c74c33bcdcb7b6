// The first-message carrier's frames: `{ "type": "auth", "token": "…" }` in,
// `{ "type": "auth_ok" }` or `{ "type": "auth_error" }` out.
import type { RawData } from 'ws';

export const AUTH_OK = JSON.stringify({ type: 'auth_ok' });
export const AUTH_ERROR = JSON.stringify({ type: 'auth_error' });

/**
 * The token of an auth frame; `''` for an auth frame without a usable token
 * (a refused credential); `undefined` when the frame is no auth message.
 */
export function readAuthFrame(data: RawData, isBinary: boolean): string | undefined {
  if (isBinary) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(rawText(data));
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'auth') return undefined;
  const token = (message as { token?: unknown }).token;
  return typeof token === 'string' ? token : '';
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
