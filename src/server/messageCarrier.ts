// The first-message carrier on an accepted socket: wait for the auth frame,
// verify it, answer, and only then hand the socket over. Frames that arrive
// while `verify` runs are held and replayed after the hand-over, so the app
// sees every message in order.
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { AUTH_ERROR, AUTH_OK, readAuthFrame } from './authMessage.ts';
import { CLOSE } from './closeCodes.ts';
import { capFrames, exceedsCap, frameBytes, isOversizeError } from './frameCap.ts';
import { runVerify, type Outcome } from './outcome.ts';
import type { Verify } from './types.ts';

// A client that floods frames before its ack is misbehaving; the SDK sends none.
// Held frames are bounded in number and, together, by `authFrameBytes`.
const MAX_HELD_FRAMES = 64;

export interface MessageAuthHooks<User> {
  verify: Verify<User>;
  timeout: number;
  /** The largest frame accepted until the verdict (`limits.authFrameBytes`). */
  authFrameBytes: number;
  /** The first frame arrived (the socket no longer waits, it is being verified). */
  firstFrame(): void;
  /** Called once with the verdict; the socket is still open on success. */
  settle(ws: WebSocket, outcome: Outcome<User>): void;
}

/**
 * Waits for the auth frame on `ws`, verifies it and settles. Returns the
 * function that ends the wait early, as the `timeout` would (4401 'auth
 * timeout'), e.g. to make room when the pool is full.
 */
export function authenticateByMessage<User>(ws: WebSocket, req: IncomingMessage, hooks: MessageAuthHooks<User>): () => void {
  const held: Array<[RawData, boolean]> = [];
  let heldBytes = 0;
  let waiting = true;
  let settled = false;
  const uncap = capFrames(ws, hooks.authFrameBytes);

  const finish = (outcome: Outcome<User>) => {
    if (settled) return false;
    settled = true;
    clearTimeout(timer);
    ws.off('message', onMessage);
    ws.off('error', onError);
    if (outcome.kind === 'accepted') uncap();
    hooks.settle(ws, outcome);
    return true;
  };
  const refuse = (close: { code: number; reason: string }) => void finish({ kind: 'refused', ...close });
  // `ws` closes with 1009 itself; this makes it a refusal the app hears of.
  const onError = (error: unknown) => { if (isOversizeError(error)) refuse(CLOSE.authFrameTooBig); };
  const timer = setTimeout(() => refuse(CLOSE.authTimeout), hooks.timeout);
  ws.once('close', () => clearTimeout(timer));

  async function onMessage(data: RawData, isBinary: boolean): Promise<void> {
    if (exceedsCap(data, hooks.authFrameBytes)) return refuse(CLOSE.authFrameTooBig);
    if (!waiting) {
      heldBytes += frameBytes(data);
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
    if (ws.readyState !== ws.OPEN) return refuse(CLOSE.authTimeout);

    ws.pause(); // back-pressure while verify runs
    const outcome = await runVerify(hooks.verify, token, req, { carrier: 'message' });
    if (settled) return void ws.resume(); // refused meanwhile (an oversized frame)
    if (ws.readyState === ws.OPEN) {
      ws.send(outcome.kind === 'accepted' ? AUTH_OK : AUTH_ERROR);
      finish(outcome);
      if (outcome.kind === 'accepted') for (const [frame, binary] of held) ws.emit('message', frame, binary);
    } else {
      settled = true; // the client left while verify ran: nobody to answer
      ws.off('message', onMessage);
      ws.off('error', onError);
    }
    ws.resume(); // also lets a closing handshake complete
  }

  ws.on('message', onMessage);
  ws.on('error', onError);
  return () => { if (waiting) refuse(CLOSE.authTimeout); };
}
