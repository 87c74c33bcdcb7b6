// The resume control frames on the gate's side: JSON text frames whose first
// key is "$". App frames travel unchanged, except a text app frame that itself
// starts like a control frame, which travels wrapped in `msg` so that it can
// never be taken for one.
import type { FrameData } from '../core/runtime.ts';
import { RESUME_CONTROL_PREFIX, RESUME_FRAME, RESUME_UNCOUNTED, type ResumeStatus } from '../../wire.ts';

/** A frame as it travels: text, or binary bytes (never a control frame). */
export type WireFrame = string | Uint8Array;

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
  if (typeof data === 'string' && data.startsWith(RESUME_CONTROL_PREFIX)) return JSON.stringify({ $: RESUME_FRAME.MSG, d: data });
  return data;
}

/**
 * Reads a frame from the client. Text may come as a string or as UTF-8 bytes
 * (`ws` hands a Buffer with `isBinary` false); an app frame is handed on as it
 * came, an escaped one as its text (bytes when the frame came as bytes).
 */
export function readClientFrame(data: FrameData, isBinary: boolean): ClientFrame {
  if (isBinary) return { kind: 'app', data, isBinary };
  // Only the start decides what a frame is: a large app frame is not decoded here.
  const head = typeof data === 'string' ? data.slice(0, HEAD) : decode(data, HEAD);
  if (head === RESUME_UNCOUNTED.PING) return { kind: 'ping' };
  if (!head.startsWith(RESUME_CONTROL_PREFIX)) return { kind: 'app', data, isBinary };
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

/** Enough characters to tell the heartbeat and a control frame from app text. */
const HEAD = RESUME_UNCOUNTED.PING.length + 1;

/** The text of a frame that came as bytes (its first `chars` bytes' worth, when given). */
function decode(data: Exclude<FrameData, string>, bytes?: number): string {
  const parts = Array.isArray(data) ? data : [data as ArrayBuffer | ArrayBufferView];
  const views = parts.map((part) => (ArrayBuffer.isView(part) ? new Uint8Array(part.buffer, part.byteOffset, part.byteLength) : new Uint8Array(part)));
  const joined = views.length === 1 ? views[0]! : Uint8Array.from(views.flatMap((view) => [...view]));
  // A cut through a multi-byte character decodes as U+FFFD: harmless, only ASCII is compared.
  return new TextDecoder().decode(bytes === undefined ? joined : joined.subarray(0, bytes));
}

/** UTF-8 bytes of `text`, as a Buffer where Node's is there (what `ws` listeners expect). */
function bytesOf(text: string): Uint8Array {
  const NodeBuffer = (globalThis as { Buffer?: { from(text: string, encoding: string): Uint8Array } }).Buffer;
  return NodeBuffer ? NodeBuffer.from(text, 'utf8') : new TextEncoder().encode(text);
}
