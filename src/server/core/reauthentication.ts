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
import { AUTH_ERROR, AUTH_OK, parseAuthFrame } from './authFrames.ts';
import { CLOSE } from './closeCodes.ts';
import type { FrameData } from './runtime.ts';
import type { Outcome } from './verification.ts';

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
