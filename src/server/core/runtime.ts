// What an adapter gives the core: the upgrade request and, once upgraded, the
// socket, in a shape every runtime can fill (Node's `ws`, Bun.serve,
// Deno.serve, Cloudflare Workers and Durable Objects). Nothing here is a Node
// type: the core runs wherever `URL`, `TextEncoder` and `crypto.randomUUID` do.

/**
 * One upgrade request, as the core reads it.
 *
 * @example
 * ```ts
 * // From a Fetch-API Request (Deno.serve, Bun.serve, Workers):
 * const request: GateRequest<Request> = {
 *   method: req.method,
 *   url: req.url,
 *   header: (name) => req.headers.get(name) ?? undefined,
 *   remoteAddress: info.remoteAddr.hostname,
 *   native: req,
 *   gone: () => req.signal.aborted,
 * };
 * ```
 */
export interface GateRequest<Req = unknown> {
  /** `GET` for a WebSocket handshake. */
  readonly method: string;
  /** The request URL: absolute (`https://host/live?x=1`) or origin-form (`/live?x=1`). */
  readonly url: string;
  /** A header's value by lower-case name, repeated headers joined as the runtime joins them; `undefined` when absent. */
  header(name: string): string | undefined;
  /** The client's address (for `limits.pendingPerAddress` when the gate has no `address` option). */
  readonly remoteAddress?: string;
  /** The runtime's own request, handed to `verify`, `origins`, `address` and the events. */
  readonly native: Req;
  /** Whether the client has left (or another listener took the request): then nothing is verified or answered. */
  gone?(): boolean;
}

/** `readyState` values, as the WebSocket standard numbers them. */
export const READY_STATE = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/**
 * An upgraded socket, as the core uses it: the standard WebSocket's `send`,
 * `close` and `readyState`. A `ws` WebSocket, a Deno/Workers `WebSocket` and a
 * Bun `ServerWebSocket` all have them.
 */
export interface GateSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code: number, reason: string): void;
  /** UTF-8 bytes sent as a text frame as they are (Node `ws`); elsewhere the core decodes them and calls `send`. */
  [SEND_TEXT_BYTES]?(bytes: Uint8Array): void;
}

/** The key of {@link GateSocket}'s optional text-bytes `send`: a symbol, so that it never shadows a runtime's own method. */
export const SEND_TEXT_BYTES: unique symbol = Symbol('authsocket.sendTextBytes');

/**
 * What the core may ask of a runtime's socket beyond {@link GateSocket}:
 * `deliver` always, the others when the runtime has them (they make the gate
 * tighter: a peer that ignores the close frame is cut, a flood waits while
 * `verify` runs, an oversized first frame is refused when its length is read).
 */
export interface SocketControls {
  /**
   * Hands an application frame to the app's listeners. The core calls it for
   * frames it held while a first-message credential was being verified, so
   * that the app sees every frame, in order, once the socket is admitted.
   */
  deliver(data: FrameData, isBinary: boolean): void;
  /** Cuts the connection at once (a peer that does not answer the close frame in time). */
  terminate?(): void;
  /** Stops reading frames (back-pressure while `verify` runs); `resume` starts again. */
  pause?(): void;
  resume?(): void;
  /**
   * Lowers the largest frame the runtime accepts to `bytes` (closing with 1009
   * above it) until the returned function restores it: before authentication
   * a frame is refused when its length is read, not after it was buffered.
   */
  capFrames?(bytes: number): () => void;
}

/** A received frame's payload: text as a string (or UTF-8 bytes with `isBinary` false), binary as bytes. */
export type FrameData = string | ArrayBuffer | ArrayBufferView | readonly ArrayBufferView[];
