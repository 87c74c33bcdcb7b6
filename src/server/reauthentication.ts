// In-place re-authentication (the client's `auth.refresh: 'in-place'`): after
// the hand-over, a message-carrier client may send a new
// `{ "type": "auth", "token": "…" }` frame on the live connection before its
// token expires. The gate answers it — `auth_ok`, or `auth_error` and the
// refusal's close code — and keeps these frames away from the app's `message`
// listeners, which see application frames only.
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { AUTH_ERROR, AUTH_OK, readAuthFrame } from './authMessage.ts';
import { runVerify, type Outcome } from './outcome.ts';
import type { Verify } from './types.ts';

// Cheap pre-check so that ordinary frames are not parsed twice.
const AUTH_MARK = Buffer.from('"auth"');

export function answerReauthentication<User>(
  ws: WebSocket,
  req: IncomingMessage,
  verify: Verify<User>,
  settle: (outcome: Outcome<User>) => void,
): void {
  const emit = ws.emit.bind(ws);
  // Intercepting `emit` (rather than adding a listener) is what keeps the frame
  // from the app's listeners, whatever order they were added in.
  ws.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'message') {
      const [data, isBinary] = args as [RawData, boolean];
      const token = mayBeAuthFrame(data, isBinary) ? readAuthFrame(data, isBinary) : undefined;
      if (token !== undefined) {
        void reverify(token);
        return true;
      }
    }
    return emit(event, ...args);
  }) as WebSocket['emit'];

  async function reverify(token: string): Promise<void> {
    const outcome = await runVerify(verify, token, req, { carrier: 'message' });
    if (ws.readyState !== ws.OPEN) return;
    ws.send(outcome.kind === 'accepted' ? AUTH_OK : AUTH_ERROR);
    settle(outcome);
  }
}

function mayBeAuthFrame(data: RawData, isBinary: boolean): boolean {
  if (isBinary) return false;
  const chunks = Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)];
  return chunks.some((chunk) => chunk.includes(AUTH_MARK));
}
