// The first-message carrier's frames: `{ "type": "auth", "token": "…" }` in,
// `{ "type": "auth_ok" }` or `{ "type": "auth_error" }` out. One parser for
// both readers of auth frames (the first frame, and re-authentication on a
// live socket), so that they never disagree on what an auth frame is.
import { AUTH_FRAME } from '../../wire.ts';
import type { FrameData } from './runtime.ts';

export const AUTH_OK = JSON.stringify({ type: AUTH_FRAME.OK });
export const AUTH_ERROR = JSON.stringify({ type: AUTH_FRAME.ERROR });

const utf8 = new TextDecoder();
const encoder = new TextEncoder();
// A JSON text can only say "auth" with these letters, or with a `\u` escape:
// a frame with neither is not parsed at all (most app frames, cheaply).
const AUTH_WORD = encoder.encode('auth');
const BACKSLASH = 0x5c;

/**
 * The token of an auth frame; `''` for an auth frame without a usable token
 * (a refused credential); `undefined` when the frame is no auth message.
 */
export function readAuthFrame(data: FrameData, isBinary: boolean): string | undefined {
  const frame = parseAuthFrame(data, isBinary);
  if (frame === undefined) return undefined;
  return typeof frame.token === 'string' ? frame.token : '';
}

/** The frame as an object when its `type` is `"auth"`, else `undefined`. */
export function parseAuthFrame(data: FrameData, isBinary: boolean): { type: 'auth'; token?: unknown } | undefined {
  if (isBinary) return undefined;
  let text: string;
  if (typeof data === 'string') {
    if (!data.includes('auth') && !data.includes('\\')) return undefined;
    text = data;
  } else {
    const bytes = frameBytes(data);
    if (!includes(bytes, AUTH_WORD) && !bytes.includes(BACKSLASH)) return undefined;
    text = utf8.decode(bytes);
  }
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== AUTH_FRAME.AUTH) return undefined;
  return message as { type: 'auth'; token?: unknown };
}

/** A received frame's size in bytes (a text frame's as UTF-8). */
export function frameSize(data: FrameData): number {
  if (typeof data === 'string') return utf8Length(data);
  if (isChunks(data)) return data.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  return data.byteLength;
}

function frameBytes(data: Exclude<FrameData, string>): Uint8Array {
  if (isChunks(data)) {
    const bytes = new Uint8Array(frameSize(data));
    let at = 0;
    for (const chunk of data) {
      bytes.set(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), at);
      at += chunk.byteLength;
    }
    return bytes;
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function isChunks(data: Exclude<FrameData, string>): data is readonly ArrayBufferView[] {
  return Array.isArray(data);
}

function includes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = haystack.indexOf(needle[0]!); i >= 0 && i <= haystack.length - needle.length; i = haystack.indexOf(needle[0]!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

// UTF-8 length without encoding a large string.
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
