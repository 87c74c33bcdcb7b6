// Node's `upgrade` event as the gate core reads it: the request as a
// `GateRequest`, whether its socket is still ours, the HTTP refusal written
// on the raw socket, and `attach`'s listener that lets several gates (or a
// gate and another WebSocket server) share one HTTP server.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { PathMatcher } from '../core/handshake.ts';
import type { GateRequest } from '../core/runtime.ts';
import type { UpgradeListener } from '../types.ts';

/** The core's view of a Node upgrade request; `gone` watches `socket`. */
export function nodeRequest(req: IncomingMessage, socket: Duplex): GateRequest<IncomingMessage> {
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header(name) {
      const value = req.headers[name];
      // Node keeps repeated headers as an array only for a few (set-cookie); a repeated Origin is refused as absent.
      return typeof value === 'string' ? value : undefined;
    },
    remoteAddress: req.socket?.remoteAddress,
    native: req,
    gone: () => isGone(socket),
  };
}

/**
 * Whether the upgrade's socket is no longer ours to answer: the client left
 * (reset, or ended its side: a WebSocket client never half-closes during the
 * handshake; such a socket is destroyed here), or another `upgrade` listener
 * took it (it wrote to it, a 101 or an error status: the gate writes nothing
 * before it answers; that socket is left to its taker).
 */
export function isGone(socket: Duplex): boolean {
  // An upgrade's socket is not read until it is upgraded, so its end shows in
  // the readable state only ('end' is emitted once the data is read).
  const seen = socket as Duplex & { bytesWritten?: number; _readableState?: { ended?: boolean } };
  if ((seen.bytesWritten ?? 0) > 0 || socket.writableLength > 0) return true;
  if (socket.destroyed || !socket.writable || seen._readableState?.ended === true) {
    socket.destroy();
    return true;
  }
  return false;
}

/** Writes a short HTTP error response and closes the connection. */
export function refuseUpgrade(socket: Duplex, status: number, headers: Readonly<Record<string, string>> = {}): void {
  if (!socket.writable || socket.destroyed) return void socket.destroy();
  const body = STATUS_CODES[status] ?? 'Error';
  const lines = [
    `HTTP/1.1 ${status} ${body}`,
    'Connection: close',
    'Content-Type: text/plain',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** The `upgrade` source `attach` takes; `listeners` (as on `http.Server`) lets gates share it. */
export interface UpgradeSource {
  on(event: 'upgrade', listener: UpgradeListener): unknown;
  off(event: 'upgrade', listener: UpgradeListener): unknown;
  listeners?(event: 'upgrade'): unknown[];
}

// Every attached gate's listener, with what it serves.
const gateListeners = new WeakMap<object, PathMatcher>();

/**
 * The `upgrade` listener `attach` installs: `handle` every request the gate
 * serves; leave the others to another listener that will take them (a foreign
 * one, or a gate serving that path); and when none will, the first gate
 * attached to the server answers (HTTP 400 from `handle`).
 */
export function attachedListener(server: UpgradeSource, serves: PathMatcher, handle: UpgradeListener): UpgradeListener {
  const listener: UpgradeListener = (req, socket, head) => {
    const url = req.url ?? '/';
    if (serves(url)) return handle(req, socket, head);
    const all = server.listeners?.('upgrade') ?? [listener];
    const takers = all.filter((other) => other !== listener && (gateListeners.get(other as object)?.(url) ?? true));
    if (takers.length > 0) return;
    if (all.find((other) => gateListeners.has(other as object)) === listener) handle(req, socket, head);
  };
  gateListeners.set(listener, serves);
  return listener;
}
