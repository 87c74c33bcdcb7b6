// The Node adapter: `createAuthGate` on Node's `upgrade` event and the `ws`
// package. Everything the gate decides is the core's (src/server/core); this
// file turns a Node upgrade into a `GateRequest`, answers the core's decision
// on the raw socket (an HTTP refusal, or `ws`'s 101), and feeds the core every
// frame before the app's listeners see it.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { createGateCore } from '../core/gateCore.ts';
import { resolvePaths } from '../core/handshake.ts';
import type { SocketHandler, UpgradeAccepted } from '../core/contract.ts';
import { type FrameData, SEND_TEXT_BYTES, type SocketControls } from '../core/runtime.ts';
import { resolveSettings } from '../core/settings.ts';
import type { AuthGate, AuthGateOptions } from '../types.ts';
import { attachedListener, isGone, nodeRequest, refuseUpgrade } from './nodeUpgrades.ts';

/**
 * The `ws` WebSocket the gate hands out: the same class for the app, with the
 * gate's core reading each incoming frame first, so that auth frames and
 * frames held during authentication never reach the app's listeners. It is
 * also the core's `SocketControls` (`terminate`, `pause`, `resume` are ws's).
 */
class GateWebSocket extends WebSocket implements SocketControls {
  /** Set once the core has taken the socket over. */
  gateHandler: SocketHandler | undefined;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'message' && this.gateHandler && !this.gateHandler.message(args[0] as RawData, args[1] as boolean)) return true;
    return super.emit(event, ...args);
  }

  /** Delivers a frame to the app's listeners, past the core (frames it held and now hands over). */
  deliver(data: FrameData, isBinary: boolean): void {
    super.emit('message', data as RawData, isBinary);
  }

  capFrames(bytes: number): () => void {
    return capFrames(this, bytes);
  }

  /** Text the app gave as bytes goes out as it is (`resume` keeps it so): no decoding, no encoding again. */
  [SEND_TEXT_BYTES](bytes: Uint8Array): void {
    this.send(bytes, { binary: false });
  }
}

/**
 * Creates the gate in front of a WebSocket endpoint: checks `Origin`, reads
 * the credential from the carriers you allow, calls your `verify`, and hands
 * you only authenticated sockets. Needs the `ws` package.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createAuthGate, createTicketStore } from 'authsocket/server';
 *
 * const tickets = createTicketStore({ ttl: 30_000 });
 * const gate = createAuthGate({
 *   origins: ['https://app.example.com'],
 *   verify: (ticket) => tickets.redeem(ticket),      // user id, or null → 4401
 * });
 * const server = createServer(app);
 * gate.attach(server);
 * gate.on('connection', (socket, userId) => {
 *   socket.on('message', (data) => socket.send(`${userId}: ${data}`));
 * });
 * server.listen(8080);
 * ```
 */
export function createAuthGate<User>(options: AuthGateOptions<User>): AuthGate<User> {
  const core = createGateCore<User, WebSocket, IncomingMessage>(options);
  const { maxPayload } = resolveSettings(options);
  const serves = resolvePaths(options.path);
  const selectedProtocol = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    WebSocket: GateWebSocket,
    handleProtocols: (_offered, req) => selectedProtocol.get(req) ?? false,
  });

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A peer that resets while `verify` runs must not crash the process.
    socket.on('error', destroySocket);
    void core.upgrade(nodeRequest(req, socket)).then((decision) => {
      if (decision.kind === 'refuse') return refuseUpgrade(socket, decision.status, decision.headers);
      if (decision.kind === 'gone') return void socket.destroy();
      complete(req, socket, head, decision);
    }).catch(() => socket.destroy()); // the core never rejects; a socket torn down under `ws` ends here
  }

  function complete(req: IncomingMessage, socket: Duplex, head: Buffer, decision: UpgradeAccepted<WebSocket>): void {
    // The client left, or another listener took the socket, since the decision.
    if (isGone(socket)) return decision.abandon();
    if (decision.protocol !== undefined) selectedProtocol.set(req, decision.protocol);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      if (!(ws instanceof GateWebSocket)) {
        // Without its own class the core could not read frames before the app: loud, never silent.
        decision.abandon();
        ws.terminate();
        queueMicrotask(() => {
          throw new Error('createAuthGate: this version of `ws` ignores WebSocketServer\'s `WebSocket` option (added in ws 8.5); use ws 8.6 or later');
        });
        return;
      }
      // `ws` emits 'error' for protocol violations (oversized or malformed
      // frames) and then closes the socket. Without a listener that event
      // would throw and take the whole server down, so one is always there.
      ws.on('error', ignoreError);
      ws.gateHandler = decision.open(ws, ws);
      ws.on('error', reportOversize);
      ws.once('close', reportClose);
    });
  }

  return {
    handleUpgrade,
    attach(server) {
      const listener = attachedListener(server, serves, handleUpgrade);
      server.on('upgrade', listener);
      return () => void server.off('upgrade', listener);
    },
    on: (event, listener) => core.on(event, listener),
    off: (event, listener) => core.off(event, listener),
    get clients() {
      return wss.clients;
    },
    revoke: (key, revokeOptions) => core.revoke(key, revokeOptions),
    async close() {
      await core.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

// Listeners shared by every socket (`this` is the emitter): a closure per
// socket would keep the whole upgrade's scope (its request, its pool slot)
// alive for the socket's lifetime.
function destroySocket(this: Duplex): void {
  this.destroy();
}
function ignoreError(): void {}
function reportClose(this: WebSocket, code: number, reason: Buffer): void {
  (this as GateWebSocket).gateHandler?.closed(code, reason.toString());
}
/** `ws` closes with 1009 itself on a frame over its limit; the core makes it a refusal before authentication. */
function reportOversize(this: WebSocket, error: unknown): void {
  if ((error as { code?: unknown } | null)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') (this as GateWebSocket).gateHandler?.oversized();
}

interface ReceiverInternals {
  _receiver?: { _maxPayload?: unknown } | null;
}

/**
 * Lowers `ws`'s frame limit to `bytes` until the returned function restores
 * it. Before authentication the cap must bite when a frame's length is read,
 * not after its payload was buffered: otherwise each anonymous socket could
 * park up to `maxPayload` as an unfinished first frame. `ws` checks its
 * receiver's `_maxPayload` exactly there (and closes with 1009), but offers no
 * public way to change it per socket. Should a future `ws` rename that field,
 * the core still refuses oversized frames once they arrived.
 */
function capFrames(ws: WebSocket, bytes: number): () => void {
  const receiver = (ws as unknown as ReceiverInternals)._receiver;
  const previous = receiver?._maxPayload;
  if (!receiver || typeof previous !== 'number') return () => {};
  receiver._maxPayload = previous > 0 ? Math.min(previous, bytes) : bytes;
  return () => { receiver._maxPayload = previous; };
}
