// The first-message carrier on an accepted socket: wait for the auth frame,
// verify it, answer, and only then let the socket be admitted. Frames that
// arrive while `verify` runs are held and handed over with the verdict, so
// the app sees every message in order.
import { AUTH_FRAME } from '../../wire.ts';
import { CLOSE } from './closeCodes.ts';
import type { FrameData, SocketControls } from './runtime.ts';
import type { Outcome } from './verification.ts';

// A client that floods frames before its ack is misbehaving; the SDK sends none.
// Held frames are bounded in number and, together, by `authFrameBytes`.
export const MAX_HELD_FRAMES = 64;

/** A frame as received, kept for later delivery. */
export type HeldFrame = readonly [data: FrameData, isBinary: boolean];

export interface FirstFrameHooks<User> {
  timeout: number;
  /** The largest frame accepted until the verdict (`limits.authFrameBytes`). */
  authFrameBytes: number;
  controls: SocketControls;
  isOpen(): boolean;
  send(text: string): void;
  verify(token: string): Promise<Outcome<User>>;
  /** The first frame arrived (the socket no longer waits, it is being verified). */
  firstFrame(): void;
  /** Called once with the verdict and the frames held meanwhile; the socket is still open on success. */
  settle(outcome: Outcome<User>, held: readonly HeldFrame[]): void;
}

/** One socket's wait for its auth frame; the core feeds it the socket's frames until the verdict. */
export interface FirstFrameAuth {
  frame(data: FrameData, isBinary: boolean): void;
  /** The runtime refused a frame over its limit (and closes 1009 itself). */
  oversized(): void;
  /** Ends the wait early, as the `timeout` would (4401 'auth timeout'), e.g. to make room in a full pool. */
  evict(): void;
  /** The socket closed: stop the timer. */
  closed(): void;
}

export function awaitAuthFrame<User>(hooks: FirstFrameHooks<User>): FirstFrameAuth {
  const held: HeldFrame[] = [];
  let heldBytes = 0;
  let waiting = true;
  let settled = false;
  const { controls } = hooks;
  const uncap = controls.capFrames?.(hooks.authFrameBytes) ?? (() => {});

  const finish = (outcome: Outcome<User>) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (outcome.kind === 'accepted') uncap();
    hooks.settle(outcome, held);
  };
  const refuse = (close: { code: number; reason: string }) => finish({ kind: 'refused', ...close });
  const timer = setTimeout(() => refuse(CLOSE.authTimeout), hooks.timeout);

  async function verifyFirst(token: string): Promise<void> {
    controls.pause?.(); // back-pressure while verify runs
    const outcome = await hooks.verify(token);
    if (!settled) {
      if (hooks.isOpen()) {
        hooks.send(outcome.kind === 'accepted' ? AUTH_OK : AUTH_ERROR);
        finish(outcome);
      } else {
        settled = true; // the client left while verify ran: nobody to answer
      }
    }
    controls.resume?.(); // also lets a closing handshake complete
  }

  return {
    frame(data, isBinary) {
      if (settled) return;
      if (frameSize(data) > hooks.authFrameBytes) return refuse(CLOSE.authFrameTooBig);
      if (!waiting) {
        heldBytes += frameSize(data);
        if (held.length < MAX_HELD_FRAMES && heldBytes <= hooks.authFrameBytes) held.push([data, isBinary]);
        else refuse(CLOSE.flood);
        return;
      }
      waiting = false;
      clearTimeout(timer);
      hooks.firstFrame();
      const token = readAuthFrame(data, isBinary);
      if (token === undefined) return refuse(CLOSE.policy);
      // Closed by the client meanwhile: a credential is never verified for a socket that is gone.
      if (!hooks.isOpen()) return refuse(CLOSE.authTimeout);
      void verifyFirst(token);
    },
    oversized() {
      refuse(CLOSE.authFrameTooBig);
    },
    evict() {
      if (waiting) refuse(CLOSE.authTimeout);
    },
    closed() {
      clearTimeout(timer);
    },
  };
}

// The first-message carrier's frames: `{ "type": "auth", "token": "…" }` in,
// `{ "type": "auth_ok" }` or `{ "type": "auth_error" }` out. One parser for
// both readers of auth frames (the first frame, and re-authentication on a
// live socket), so that they never disagree on what an auth frame is.
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

// In-place re-authentication (the client's `auth.refresh: 'in-place'`): after
// admission, a message-carrier client may send a new
// `{ "type": "auth", "token": "…" }` frame on the live connection before its
// token expires. The gate answers it — `auth_ok`, or `auth_error` and the
// refusal's close code — and keeps these frames away from the app, which sees
// application frames only: the core reads every frame before the app does. A
// frame is a re-authentication when the first-message parser reads it as an
// auth frame and it has a `token` (of any type: a non-string one is refused);
// `{ "type": "auth" }` without a `token` is an application frame.
//
// A re-authentication must prove the same user (`renew` says so, and moves
// the socket's expiry to the new token's), and only one is verified at a time:
// a second auth frame while the first is being verified closes with 1008. The
// verdict is given once per socket: after a refusal, later auth frames are
// dropped unanswered (the socket is closing), so a flood costs one close.
export interface ReauthenticationHooks<User> {
  /** Verifies the new token; `renew` is the check that it is the same user, `undefined` to accept. */
  verify(token: string): Promise<{ outcome: Outcome<User>; renew?: () => { code: number; reason: string } | undefined }>;
  isOpen(): boolean;
  send(text: string): void;
  /** Called with each verdict: accepted (the socket goes on), or refused (the core closes it). */
  settle(outcome: Outcome<User>): void;
}

/** Returns the frame filter: `true` when the frame was a re-authentication the core took. */
export function answerReauthentication<User>(hooks: ReauthenticationHooks<User>): (data: FrameData, isBinary: boolean) => boolean {
  let verifying = false;
  let refused = false;
  const refuse = (outcome: Outcome<User>) => {
    refused = true;
    hooks.settle(outcome);
  };

  async function reverify(token: string): Promise<void> {
    verifying = true;
    const verified = await hooks.verify(token);
    verifying = false;
    if (refused || !hooks.isOpen()) return;
    let { outcome } = verified;
    if (outcome.kind === 'accepted') {
      const refusal = verified.renew?.();
      if (refusal) outcome = { kind: 'refused', ...refusal };
    }
    hooks.send(outcome.kind === 'accepted' ? AUTH_OK : AUTH_ERROR);
    if (outcome.kind === 'accepted') hooks.settle(outcome);
    else refuse(outcome);
  }

  return (data, isBinary) => {
    const frame = parseAuthFrame(data, isBinary);
    if (frame === undefined || !('token' in frame)) return false;
    if (refused) return true;
    if (verifying) refuse({ kind: 'refused', ...CLOSE.overlapping });
    else void reverify(typeof frame.token === 'string' ? frame.token : '');
    return true;
  };
}
