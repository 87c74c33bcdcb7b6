// A standard (WHATWG) server-side WebSocket, as Deno.serve and Workers give
// one, fed to the core: the core sees every frame before the app's listeners
// and stops the ones it takes (auth frames, frames held while a first-message
// credential is verified) from reaching them.
import type { SocketHandler, UpgradeAccepted } from '../core/index.ts';

const OPEN = 1;
const CLOSED = 3;

/**
 * Hands `socket` to the core once it is open (at once when it already is, as
 * the server end of a Workers `WebSocketPair` after `accept()`). Must run
 * before the app can add listeners: the gate's listener then runs first and
 * `stopImmediatePropagation()` keeps the frames the core takes from the
 * app's. Binary frames arrive as ArrayBuffers. A frame over `maxPayload`
 * bytes closes the socket with 1009, as `ws` does (these runtimes have no
 * such option: the frame has arrived by then).
 */
export function acceptStandardSocket(decision: UpgradeAccepted<WebSocket>, socket: WebSocket, maxPayload: number): void {
  socket.binaryType = 'arraybuffer';
  // Frames the core hands back (held during verification) are dispatched again, past the gate's listener.
  const released = new WeakSet<Event>();
  let handler: SocketHandler | undefined;
  const open = () => {
    handler = decision.open(socket, {
      deliver: (data) => {
        const event = new MessageEvent('message', { data });
        released.add(event);
        socket.dispatchEvent(event);
      },
    });
  };
  socket.addEventListener('message', (event: MessageEvent) => {
    if (released.has(event) || handler === undefined) return;
    const data = event.data as string | ArrayBuffer;
    if (exceeds(data, maxPayload)) {
      event.stopImmediatePropagation();
      handler.oversized();
      return socket.close(1009, 'message too big');
    }
    if (!handler.message(data, typeof data !== 'string')) event.stopImmediatePropagation();
  });
  socket.addEventListener('close', (event: CloseEvent) => {
    answerClose(socket, event);
    if (handler === undefined) decision.abandon();
    else handler.closed(event.code, event.reason);
  });
  if (socket.readyState === OPEN) open();
  else socket.addEventListener('open', open, { once: true });
}

/**
 * Answers the peer's close frame. Workers (before the compatibility flag
 * `web_socket_auto_reply_to_close`) leave that to the app, and a client that
 * closed first would wait for the answer until its own timeout.
 */
function answerClose(socket: WebSocket, event: CloseEvent): void {
  if (socket.readyState === CLOSED) return;
  try {
    // 1005 (no code) and 1006 (no close frame) may not be sent: answer without a code.
    if (event.code === 1005 || event.code === 1006) socket.close();
    else socket.close(event.code, event.reason);
  } catch {
    // Already closing from our side: nothing to answer.
  }
}

const utf8 = new TextEncoder();

/** Whether a frame is over `max` bytes (a string's UTF-8 length is encoded only when its length leaves doubt). */
function exceeds(data: string | ArrayBuffer, max: number): boolean {
  if (typeof data !== 'string') return data.byteLength > max;
  if (data.length > max) return true;
  return data.length * 3 > max && utf8.encode(data).byteLength > max;
}
