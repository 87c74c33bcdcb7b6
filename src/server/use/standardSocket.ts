// A standard (WHATWG) server-side WebSocket, as Deno.serve and Workers give
// one, fed to the core: the core sees every frame before the app's listeners
// and stops the ones it takes (auth frames, frames held while a first-message
// credential is verified) from reaching them.
import type { SocketHandler, UpgradeAccepted } from '../core/index.ts';

const OPEN = 1;

/**
 * Hands `socket` to the core once it is open (at once when it already is, as
 * the server end of a Workers `WebSocketPair` after `accept()`). Must run
 * before the app can add listeners: the gate's listener then runs first and
 * `stopImmediatePropagation()` keeps the frames the core takes from the
 * app's. Binary frames arrive as ArrayBuffers.
 */
export function acceptStandardSocket(decision: UpgradeAccepted<WebSocket>, socket: WebSocket): void {
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
    if (!handler.message(data, typeof data !== 'string')) event.stopImmediatePropagation();
  });
  socket.addEventListener('close', (event: CloseEvent) => {
    if (handler === undefined) decision.abandon();
    else handler.closed(event.code, event.reason);
  });
  if (socket.readyState === OPEN) open();
  else socket.addEventListener('open', open, { once: true });
}
