// The resume control frames on the gate's side: JSON text frames whose first
// key is "$". App frames travel unchanged, except a text app frame that itself
// starts like a control frame, which travels wrapped in `msg` so that it can
// never be taken for one.
import { type FrameData, type GateSocket, SEND_TEXT_BYTES } from '../core/runtime.ts';
import { RESUME_CONTROL_PREFIX, RESUME_FRAME, RESUME_UNCOUNTED, type ResumeStatus } from '../../wire.ts';

/**
 * Text the app gave as UTF-8 bytes (`send(buffer, { binary: false })`), kept
 * as bytes: where the runtime can send bytes as a text frame (Node `ws`),
 * nothing is decoded and encoded again.
 */
export class TextBytes {
  constructor(readonly bytes: Uint8Array) {}

  get text(): string {
    return utf8.decode(this.bytes);
  }
}

/** A frame as it travels: text (a string, or UTF-8 bytes), or binary bytes (never a control frame). */
export type WireFrame = string | Uint8Array | TextBytes;

/** The frame as a store keeps it: text as a string, binary as bytes. */
export const storedFrame = (frame: WireFrame): string | Uint8Array => (frame instanceof TextBytes ? frame.text : frame);

/** Writes `frame` on `link`; a closed connection's throw is ignored (the frame is kept: replayed on resume). */
export function sendFrame(link: GateSocket, frame: WireFrame): void {
  try {
    if (!(frame instanceof TextBytes)) (link.send as (data: string | Uint8Array) => void)(frame);
    else if (link[SEND_TEXT_BYTES]) link[SEND_TEXT_BYTES](frame.bytes);
    else link.send(frame.text);
  } catch {
    // kept: replayed on resume
  }
}

/** What a frame from the client is. */
export type ClientFrame =
  | { kind: 'app'; data: FrameData; isBinary: boolean }
  | { kind: 'ack'; n: number }
  | { kind: 'ask' }
  | { kind: 'end' }
  | { kind: 'ping' }
  /** A control frame of a later version: ignored, never counted. */
  | { kind: 'unknown' }
  | { kind: 'malformed' };

/** Largest count a frame may carry: beyond it JSON numbers lose integers. */
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

export function sessionFrame(id: string, status: ResumeStatus, received: number): string {
  return JSON.stringify({ $: RESUME_FRAME.SESSION, id, status, received });
}

export function ackFrame(n: number): string {
  return `{"$":"${RESUME_FRAME.ACK}","n":${n}}`;
}

export const ASK_FRAME = `{"$":"${RESUME_FRAME.ASK}"}`;

/** The wire form of an app frame the gate sends: text that looks like a control frame is wrapped. */
export function encodeAppFrame(data: WireFrame): WireFrame {
  if (data instanceof TextBytes ? startsWith(data.bytes, CONTROL_BYTES) : typeof data === 'string' && data.startsWith(RESUME_CONTROL_PREFIX)) {
    return JSON.stringify({ $: RESUME_FRAME.MSG, d: data instanceof TextBytes ? data.text : data });
  }
  return data;
}

/**
 * Reads a frame from the client. Text may come as a string or as UTF-8 bytes
 * (`ws` hands a Buffer with `isBinary` false); an app frame is handed on as it
 * came, an escaped one as its text (bytes when the frame came as bytes).
 */
export function readClientFrame(data: FrameData, isBinary: boolean): ClientFrame {
  if (isBinary) return { kind: 'app', data, isBinary };
  // Only the start decides what a frame is: an app frame is not decoded here
  // (every frame passes through, so its bytes are compared as they are).
  const text = typeof data === 'string' ? data : undefined;
  if (text !== undefined ? text === RESUME_UNCOUNTED.PING : startsWith(data as Exclude<FrameData, string>, PING_BYTES, true)) return { kind: 'ping' };
  if (text !== undefined ? !text.startsWith(RESUME_CONTROL_PREFIX) : !startsWith(data as Exclude<FrameData, string>, CONTROL_BYTES)) return { kind: 'app', data, isBinary };
  let frame: unknown;
  try {
    frame = JSON.parse(typeof data === 'string' ? data : decode(data));
  } catch {
    return { kind: 'malformed' };
  }
  if (typeof frame !== 'object' || frame === null) return { kind: 'malformed' };
  const { $: type, n, d } = frame as { $?: unknown; n?: unknown; d?: unknown };
  switch (type) {
    case RESUME_FRAME.ACK:
      return Number.isInteger(n) && (n as number) >= 0 && (n as number) <= MAX_COUNT ? { kind: 'ack', n: n as number } : { kind: 'malformed' };
    case RESUME_FRAME.ASK:
      return { kind: 'ask' };
    case RESUME_FRAME.END:
      return { kind: 'end' };
    case RESUME_FRAME.MSG:
      return typeof d === 'string' ? { kind: 'app', data: typeof data === 'string' ? d : bytesOf(d), isBinary: false } : { kind: 'malformed' };
    default:
      return typeof type === 'string' ? { kind: 'unknown' } : { kind: 'malformed' };
  }
}

const utf8 = new TextDecoder();
const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
const CONTROL_BYTES = ascii(RESUME_CONTROL_PREFIX);
const PING_BYTES = ascii(RESUME_UNCOUNTED.PING);

/** The frame's bytes, joined when they came in parts. */
function bytesOfFrame(data: Exclude<FrameData, string>): Uint8Array {
  const parts = Array.isArray(data) ? data : [data as ArrayBuffer | ArrayBufferView];
  const views = parts.map((part) => (ArrayBuffer.isView(part) ? new Uint8Array(part.buffer, part.byteOffset, part.byteLength) : new Uint8Array(part)));
  return views.length === 1 ? views[0]! : Uint8Array.from(views.flatMap((view) => [...view]));
}

/** Whether text that came as bytes starts with (`whole`: is) the ASCII `prefix`. */
function startsWith(data: Exclude<FrameData, string>, prefix: Uint8Array, whole = false): boolean {
  const view = data instanceof Uint8Array ? data : bytesOfFrame(data);
  if (whole ? view.length !== prefix.length : view.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (view[i] !== prefix[i]) return false;
  return true;
}

/** The text of a frame that came as bytes. */
function decode(data: Exclude<FrameData, string>): string {
  return utf8.decode(bytesOfFrame(data));
}

/** UTF-8 bytes of `text`, as a Buffer where Node's is there (what `ws` listeners expect). */
function bytesOf(text: string): Uint8Array {
  const NodeBuffer = (globalThis as { Buffer?: { from(text: string, encoding: string): Uint8Array } }).Buffer;
  return NodeBuffer ? NodeBuffer.from(text, 'utf8') : new TextEncoder().encode(text);
}
