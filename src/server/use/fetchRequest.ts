// What the Fetch-API runtimes (Bun.serve, Deno.serve, Workers) share: their
// upgrade request in the core's shape, and a refusal as a Response.
import type { GateRequest, UpgradeRefused } from '../core/index.ts';

/** A Fetch `Request` as the core reads it; `remoteAddress` is what the runtime says of the peer. */
export function gateRequestOf(req: Request, remoteAddress: string | undefined): GateRequest<Request> {
  return {
    method: req.method,
    url: req.url,
    header: (name) => req.headers.get(name) ?? undefined,
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
    native: req,
    // A runtime without a request signal (some Workers compatibility dates) never reports the client gone.
    gone: () => req.signal?.aborted ?? false,
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
