// In-place re-authentication (the client's `auth.refresh: 'in-place'`): after
// the hand-over, a message-carrier client may send a new
// `{ "type": "auth", "token": "…" }` frame on the live connection before its
// token expires. The gate answers it — `auth_ok`, or `auth_error` and the
// refusal's close code — and keeps these frames away from the app's `message`
// listeners, which see application frames only.
//
// A re-authentication must prove the same user (`renew` says so, and moves
// the socket's expiry to the new token's), and only one is verified at a time:
// a second auth frame while the first is being verified closes with 1008.
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { AUTH_ERROR, AUTH_OK, readAuthFrame } from './authMessage.ts';
import { runVerify, type Outcome } from './outcome.ts';
import type { Verify } from './types.ts';

export const OVERLAPPING = { code: 1008, reason: 'one re-authentication at a time' } as const;

export interface ReauthenticationHooks<User> {
  verify: Verify<User>;
  /** The verified user is checked against the socket's: a refusal, or `undefined` to accept. */
  renew(user: User): { code: number; reason: string } | undefined;
}

// Cheap pre-check so that ordinary frames are not parsed twice.
const AUTH_MARK = Buffer.from('"auth"');

export function answerReauthentication<User>(
  ws: WebSocket,
  req: IncomingMessage,
  hooks: ReauthenticationHooks<User>,
  settle: (outcome: Outcome<User>) => void,
): void {
  let verifying = false;
  const emit = ws.emit.bind(ws);
  // Intercepting `emit` (rather than adding a listener) is what keeps the frame
  // from the app's listeners, whatever order they were added in.
  ws.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'message') {
      const [data, isBinary] = args as [RawData, boolean];
      const token = mayBeAuthFrame(data, isBinary) ? readAuthFrame(data, isBinary) : undefined;
      if (token !== undefined) {
        if (verifying) settle({ kind: 'refused', ...OVERLAPPING });
        else void reverify(token);
        return true;
      }
    }
    return emit(event, ...args);
  }) as WebSocket['emit'];

  async function reverify(token: string): Promise<void> {
    verifying = true;
    let outcome = await runVerify(hooks.verify, token, req, { carrier: 'message' });
    verifying = false;
    if (ws.readyState !== ws.OPEN) return;
    if (outcome.kind === 'accepted') {
      const refusal = hooks.renew(outcome.user);
      if (refusal) outcome = { kind: 'refused', ...refusal };
    }
    ws.send(outcome.kind === 'accepted' ? AUTH_OK : AUTH_ERROR);
    settle(outcome);
  }
}

function mayBeAuthFrame(data: RawData, isBinary: boolean): boolean {
  if (isBinary) return false;
  const chunks = Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)];
  return chunks.some((chunk) => chunk.includes(AUTH_MARK));
}
