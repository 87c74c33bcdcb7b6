// Checks on the upgrade request that must pass before `verify` runs: a
// single-use ticket redeemed for a handshake that then fails would be lost.
import { DEFAULT_APP_PROTOCOL } from '../../wire.ts';
import type { GateRequest } from './runtime.ts';

// RFC 7230 `token`: what a subprotocol name may be made of.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** True when `ws` (and the browsers' peers) would accept this request as a WebSocket handshake. */
export function isWebSocketHandshake(req: GateRequest): boolean {
  const version = req.header('sec-websocket-version');
  return (
    req.method === 'GET' &&
    req.header('upgrade')?.toLowerCase() === 'websocket' &&
    KEY.test(req.header('sec-websocket-key') ?? '') &&
    (version === '13' || version === '8')
  );
}

/**
 * The offered subprotocols in order, `[]` when none, or `undefined` when the
 * header is malformed (empty entry, bad characters, a duplicate).
 *
 * Parsed exactly as `ws` parses it, so that a header `ws` will answer with 400
 * is refused here, before `verify` spends a ticket on it: entries are split on
 * `,`, only SP and HTAB around them are optional whitespace (`trim()` would
 * also drop U+00A0 and other Unicode spaces, which `ws` refuses), and every
 * entry must be an RFC 7230 token.
 */
export function offeredProtocols(req: GateRequest): string[] | undefined {
  const header = req.header('sec-websocket-protocol');
  if (header === undefined) return [];
  if (/^[ \t]|[ \t]$/.test(header)) return undefined; // `ws` refuses whitespace at either end
  const entries = header.split(',').map((entry) => entry.replace(/^[ \t]+|[ \t]+$/g, ''));
  const valid = entries.every((entry) => TOKEN.test(entry)) && new Set(entries).size === entries.length;
  return valid ? entries : undefined;
}

/**
 * The subprotocol to select: the first of the gate's `protocols` the client
 * offered, else `authsocket` (the client's default) if offered. Never a
 * token entry: echoing it would put the credential in the response.
 */
export function selectProtocol(offered: readonly string[], preferred: readonly string[], prefix: string): string | undefined {
  const candidates = offered.filter((entry) => !entry.startsWith(prefix));
  return preferred.find((protocol) => candidates.includes(protocol))
    ?? (candidates.includes(DEFAULT_APP_PROTOCOL) ? DEFAULT_APP_PROTOCOL : undefined);
}
