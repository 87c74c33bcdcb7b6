// The wire contract between the client and `authsocket/server`: carrier
// defaults, close codes and the message carrier's frames, written once for both
// halves. This module imports nothing of the project, so either half (and any
// module of either) may import it without making an import circle.

/** Prefix of the subprotocol entry that carries the credential: `prefix + base64url(token)`. */
export const DEFAULT_PREFIX = 'base64url.bearer.';
/** Query parameter of the `query` carrier. */
export const DEFAULT_PARAM = 'access_token';
/** Cookie name of the `cookie` carrier. */
export const DEFAULT_COOKIE = 'ws_token';
/**
 * The application subprotocol the client offers when the app names none, so
 * that a server always has an entry to select other than the credential.
 */
export const DEFAULT_APP_PROTOCOL = 'authsocket';

/** Close codes both halves use. */
export const CLOSE_CODE = {
  /** Missing, invalid or expired credential: fetch a fresh one and retry. */
  UNAUTHORIZED: 4401,
  /** Forbidden: a new credential will not help; the client stops. */
  FORBIDDEN: 4403,
  /** Policy violation: a first frame that is no auth frame, a second auth frame while one is verified. */
  POLICY_VIOLATION: 1008,
  /** A frame before authentication was too big. */
  MESSAGE_TOO_BIG: 1009,
  /** The server failed unexpectedly. */
  INTERNAL_ERROR: 1011,
  /** The server is overloaded (a verification did not settle in time): retry with backoff. */
  TRY_AGAIN_LATER: 1013,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
} as const;

/** `type` of the message carrier's frames: `{ type: 'auth', token }` in, `auth_ok` or `auth_error` out. */
export const AUTH_FRAME = {
  AUTH: 'auth',
  OK: 'auth_ok',
  ERROR: 'auth_error',
} as const;

/** What one connection attempt opens: the URL, subprotocols and (Node only) headers. */
export interface AttemptPlan {
  url: string;
  protocols: string[];
  headers?: Record<string, string>;
}

/** How one attempt's connection ended. */
export interface Ending {
  code: number;
  reason: string;
  wasClean: boolean;
  /** Whether the socket had opened. */
  opened: boolean;
  /** Ended by this client, not by the server or the network. */
  local: boolean;
  /** The server selected none of the offered subprotocols (the engine opened anyway). */
  noSubprotocol?: boolean;
}

/**
 * How an in-band authentication (the message carrier, or `ack`) ended: the
 * server's ack or reject, no answer in time, or the connection ended first.
 */
export type Verdict = 'ack' | 'reject' | 'timeout' | 'ended';

// ── resume: sessions that survive their connections ─────────────────────────
// A client with `resume` offers, last among its subprotocols, `authsocket.resume`
// (start a session) or `authsocket.resume.<session>.<received>` (continue it,
// having received <received> app frames); the gate never selects it. Control
// frames are JSON text frames starting with `{"$":`; app frames travel
// unchanged and are numbered 1, 2, 3… per direction and session by counting.

/** The resume subprotocol entry: bare, or followed by `.<session>.<received>`. */
export const RESUME_PROTOCOL = 'authsocket.resume';
/** Every control frame's text starts with this (an app text frame that does is sent as `msg`). */
export const RESUME_CONTROL_PREFIX = '{"$":';
/** The `$` of each control frame. */
export const RESUME_FRAME = {
  /** gate → client, first frame after admission: `{"$":"session","id","status","received"}`. */
  SESSION: 'session',
  /** either way, cumulative: `{"$":"ack","n":<received>}`. */
  ACK: 'ack',
  /** either way: "send your ack now": `{"$":"ask"}`. */
  ASK: 'ask',
  /** client → gate on `close()`: the session ends: `{"$":"end"}`. */
  END: 'end',
  /** an escaped app text frame: `{"$":"msg","d":"<the frame's text>"}`. */
  MSG: 'msg',
} as const;
/** What the gate's `session` frame says about the request. */
export type ResumeStatus = 'new' | 'resumed' | 'lost';
/** ms: the latest a side acknowledges after the first unacknowledged app frame arrived. */
export const RESUME_ACK_DELAY = 1000;
/** A session id: 22 base64url characters (128 random bits). */
export const RESUME_SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
/**
 * The close a connection gets when another connection of the client took its
 * session over (a make-before-break candidate, a new tab leader, another gate
 * instance): the session goes on there.
 */
export const RESUME_MOVED = { code: 1001, reason: 'session moved' } as const;
/** The heartbeat's frames, never counted, kept or replayed with resume. */
export const RESUME_UNCOUNTED = { PING: '{"type":"ping"}', PONG: '{"type":"pong"}' } as const;
