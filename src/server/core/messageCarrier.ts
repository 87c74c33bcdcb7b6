// The first-message carrier on an accepted socket: wait for the auth frame,
// verify it, answer, and only then let the socket be admitted. Frames that
// arrive while `verify` runs are held and handed over with the verdict, so
// the app sees every message in order.
import { AUTH_ERROR, AUTH_OK, frameSize, readAuthFrame } from './authFrames.ts';
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
