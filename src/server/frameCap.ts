// The largest frame a socket accepts before it is authenticated
// (`limits.authFrameBytes`), lower than `maxPayload`, which holds for the
// socket's whole life. The cap must bite when a frame's length is read, not
// after its payload was buffered: otherwise each anonymous socket could still
// park up to `maxPayload` as an unfinished first frame. `ws` checks its
// receiver's `_maxPayload` exactly there (and closes with 1009), but offers no
// public way to change it per socket, so it is lowered here and restored on
// authentication. Should a future `ws` rename that field, `exceedsCap` still
// refuses oversized frames once they arrived.
import type { RawData, WebSocket } from 'ws';

interface ReceiverInternals {
  _receiver?: { _maxPayload?: unknown } | null;
}

/** Lowers `ws`'s frame limit to `bytes`; returns the function that restores it. */
export function capFrames(ws: WebSocket, bytes: number): () => void {
  const receiver = (ws as unknown as ReceiverInternals)._receiver;
  const previous = receiver?._maxPayload;
  if (!receiver || typeof previous !== 'number') return () => {};
  receiver._maxPayload = previous > 0 ? Math.min(previous, bytes) : bytes;
  return () => { receiver._maxPayload = previous; };
}

/** Whether a frame that arrived is bigger than `bytes` (the fallback check). */
export function exceedsCap(data: RawData, bytes: number): boolean {
  return frameBytes(data) > bytes;
}

/** A received frame's size in bytes, whatever form `ws` handed it in. */
export function frameBytes(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data.byteLength;
}

/** The error `ws` reports for a frame over its limit. */
export function isOversizeError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
}
