// The resume control frames on the gate's side: JSON text frames whose first
// key is "$". App frames travel unchanged, except a text app frame that itself
// starts like a control frame, which travels wrapped in `msg` so that it can
// never be taken for one.
import { RESUME_CONTROL_PREFIX, RESUME_FRAME, RESUME_UNCOUNTED, type ResumeStatus } from '../../wire.ts';

/** A frame as it travels: text, or binary bytes (never a control frame). */
export type WireFrame = string | Buffer;

/** What a frame from the client is. */
export type ClientFrame =
  | { kind: 'app'; data: Buffer; isBinary: boolean }
  | { kind: 'ack'; n: number }
  | { kind: 'ask' }
  | { kind: 'end' }
  | { kind: 'ping' }
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

/** Reads a frame from the client (`ws` hands text as a Buffer with `isBinary` false). */
export function readClientFrame(data: Buffer, isBinary: boolean): ClientFrame {
  if (isBinary) return { kind: 'app', data, isBinary };
  // Only the start decides what a frame is: a large app frame is not decoded here.
  const head = data.toString('utf8', 0, RESUME_UNCOUNTED.PING.length + 1);
  if (head === RESUME_UNCOUNTED.PING) return { kind: 'ping' };
  if (!head.startsWith(RESUME_CONTROL_PREFIX)) return { kind: 'app', data, isBinary };
  let frame: unknown;
  try {
    frame = JSON.parse(data.toString('utf8'));
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
      return typeof d === 'string' ? { kind: 'app', data: Buffer.from(d, 'utf8'), isBinary: false } : { kind: 'malformed' };
    default:
      return { kind: 'malformed' };
  }
}
