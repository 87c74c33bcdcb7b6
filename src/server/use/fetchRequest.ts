// What the Fetch-API runtimes (Bun.serve, Deno.serve, Workers) share: their
// upgrade request in the core's shape, and a refusal as a Response.
import type { GateRequest, UpgradeRefused } from '../core/index.ts';

/** What a runtime knows of the connection besides the request. */
export interface Peer {
  /** The client's address, when the runtime gives it. */
  remoteAddress?: string | undefined;
  /** Whether the client has left, when the runtime can tell before the upgrade. */
  gone?: () => boolean;
}

/**
 * A Fetch `Request` as the core reads it. The headers are copied first: the
 * core reads some after the upgrade, when Deno may already refuse to read the
 * request's own ("Request closed").
 */
export function gateRequestOf(req: Request, { remoteAddress, gone }: Peer): GateRequest<Request> {
  const headers = new Headers(req.headers);
  return {
    method: req.method,
    url: req.url,
    header: (name) => headers.get(name) ?? undefined,
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
    ...(gone === undefined ? {} : { gone }),
    native: req,
  };
}

/** The HTTP answer to a refused upgrade: the status and its headers, no body that could echo the request. */
export function refusalResponse(decision: UpgradeRefused): Response {
  return new Response(null, { status: decision.status, headers: decision.headers });
}

/**
 * The answer to a request whose client left while the gate decided: nothing
 * will read it, but a Fetch handler must return something. 499 is the status
 * proxies log for "client closed request".
 */
export const goneResponse = (): Response => new Response(null, { status: 499 });

/** The answer when the runtime itself would not complete a handshake the gate accepted. */
export const notUpgradable = (): Response => new Response('not a WebSocket handshake', { status: 400 });

/** Headers of a 101 that selects `protocol` (none when the client offered no app protocol). */
export const protocolHeaders = (protocol: string | undefined): Record<string, string> =>
  protocol === undefined ? {} : { 'sec-websocket-protocol': protocol };
