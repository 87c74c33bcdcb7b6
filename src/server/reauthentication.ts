// In-place re-authentication (the client's `auth.refresh: 'in-place'`): after
// the hand-over, a message-carrier client may send a new
// `{ "type": "auth", "token": "…" }` frame on the live connection before its
// token expires. The gate answers it — `auth_ok`, or `auth_error` and the
// refusal's close code — and keeps these frames away from the app's `message`
// listeners, which see application frames only. A frame is a re-authentication
// when the first-message parser reads it as an auth frame and it has a `token`
// (of any type: a non-string one is refused); `{ "type": "auth" }` without a
// `token` is an application frame and reaches the app.
//
// A re-authentication must prove the same user (`renew` says so, and moves
// the socket's expiry to the new token's), and only one is verified at a time:
// a second auth frame while the first is being verified closes with 1008. The
// verdict is given once per socket: after a refusal, later auth frames are
// dropped unanswered (the socket is closing), so a flood costs one close.
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { AUTH_ERROR, AUTH_OK, parseAuthFrame } from './authMessage.ts';
import { runVerify, type Outcome } from './outcome.ts';
import type { Verify } from './types.ts';

export const OVERLAPPING = { code: 1008, reason: 'one re-authentication at a time' } as const;

export interface ReauthenticationHooks<User> {
  verify: Verify<User>;
  /** The verified user is checked against the socket's: a refusal, or `undefined` to accept. */
  renew(user: User): { code: number; reason: string } | undefined;
}

export function answerReauthentication<User>(
  ws: WebSocket,
  req: IncomingMessage,
  hooks: ReauthenticationHooks<User>,
  settle: (outcome: Outcome<User>) => void,
): void {
  let verifying = false;
  let refused = false;
  const refuse = (outcome: Outcome<User>) => {
    refused = true;
    settle(outcome);
  };
  const emit = ws.emit.bind(ws);
  // Intercepting `emit` (rather than adding a listener) is what keeps the frame
  // from the app's listeners, whatever order they were added in.
  ws.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'message') {
      const [data, isBinary] = args as [RawData, boolean];
      const frame = parseAuthFrame(data, isBinary);
      if (frame !== undefined && 'token' in frame) {
        if (refused) return true;
        if (verifying) refuse({ kind: 'refused', ...OVERLAPPING });
        else void reverify(typeof frame.token === 'string' ? frame.token : '');
        return true;
      }
    }
    return emit(event, ...args);
  }) as WebSocket['emit'];

  async function reverify(token: string): Promise<void> {
    verifying = true;
    let outcome = await runVerify(hooks.verify, token, req, { carrier: 'message' });
    verifying = false;
    if (refused || ws.readyState !== ws.OPEN) return;
    if (outcome.kind === 'accepted') {
      const refusal = hooks.renew(outcome.user);
      if (refusal) outcome = { kind: 'refused', ...refusal };
    }
    ws.send(outcome.kind === 'accepted' ? AUTH_OK : AUTH_ERROR);
    if (outcome.kind === 'accepted') settle(outcome);
    else refuse(outcome);
  }
}
