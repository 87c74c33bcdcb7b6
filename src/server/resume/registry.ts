// The gate's sessions, as an admission stage of the gate core: gives every
// admitted client that asks for resume its session (new, continued, or lost
// and replaced), keeps the session socket across connections, and ends a
// user's sessions on revocation. Clients that do not ask pass through.
import type { Admission, AdmissionStage, StagedSocket } from '../core/contract.ts';
import type { ConnectionInfo } from '../core/options.ts';
import type { GateSocket } from '../core/runtime.ts';
import type { ResumeStatus } from '../../wire.ts';
import type { ResumeSettings } from './options.ts';
import { readResumeRequest } from './request.ts';
import { newSessionId } from './sessionId.ts';
import { SESSION_CLOSE, SessionSocket, type SessionDeps } from './sessionSocket.ts';
import type { SessionOwner, SessionState } from './store.ts';

/** What the gate's `connection` event says about the session. */
export type SessionInfo = ConnectionInfo & { session: string };

export interface SessionRegistry<User> extends AdmissionStage<User, GateSocket, unknown> {
  /** A malformed resume entry is refused (HTTP 400) before `verify` spends a ticket on it. */
  check(offered: readonly string[]): { status: number; reason: string } | undefined;
  /** Revocation (here or from another instance): ends the user's sessions on this instance, connected or not. */
  revoked(key: string, code: number, reason: string): void;
  /** The gate closes: its sessions stop here (a shared store keeps them for other instances). */
  close(): void;
}

const EMPTY: SessionState = { received: 0, sent: 0, kept: [] };
const MALFORMED_REQUEST = { code: 1008, reason: 'malformed resume request' } as const;
const INTERNAL_ERROR = 1011;

export function createSessionRegistry<User>(settings: ResumeSettings, closeSocket: SessionDeps['closeSocket'], report: (error: unknown) => void): SessionRegistry<User> {
  const { store, limits } = settings;
  const sessions = new Map<string, SessionSocket>();
  const owner: SessionOwner = { release: (id) => sessions.get(id)?.release() };
  const deps: SessionDeps = {
    store,
    limits,
    closeSocket,
    forget: (session) => {
      if (sessions.get(session.session) === session) sessions.delete(session.session);
    },
  };

  /** The session serves `link` from now on: its frames, its close, a revocation. */
  const staged = (session: SessionSocket, link: GateSocket, info: SessionInfo | undefined): StagedSocket => ({
    // `connection` once per session: not when it continues on this instance.
    connection: info ? { socket: session, info } : { emit: false },
    message(data, isBinary) {
      session.frame(link, data, isBinary);
      return false;
    },
    // 1011 (an internal error: a `connection` listener threw, or the peer failed) ends the session;
    // any other close leaves it waiting for the client.
    closed: (code) => (code === INTERNAL_ERROR ? session.close(INTERNAL_ERROR, 'internal error') : session.dropped(link)),
    revoked: (code, reason) => session.close(code, reason),
  });

  const begin = (link: GateSocket, id: string, key: string, state: SessionState, status: ResumeStatus, received: number, moved: boolean): StagedSocket => {
    const session = new SessionSocket(id, key, state, deps);
    sessions.set(id, session);
    session.connect(link, status, received);
    return staged(session, link, moved ? { session: id, moved } : { session: id });
  };

  /** A new session; `lost` when the client asked for one we do not have. */
  const start = (link: GateSocket, key: string, status: 'new' | 'lost'): StagedSocket => {
    const id = newSessionId();
    try {
      // Synchronous first: the store knows the session before its first frame is written.
      const created = store.create(id, key, owner, limits);
      if (created instanceof Promise) created.catch(report);
    } catch (error) {
      report(error);
    }
    return begin(link, id, key, EMPTY, status, 0, false);
  };

  /** The store's state, if the client (which received `received`) can continue from it. */
  const continuable = (state: SessionState | undefined, received: number): SessionState | undefined => {
    if (!state) return undefined;
    // The client has more than the store recorded (an instance died between sending and recording): it has them all.
    if (received > state.sent) return { received: state.received, sent: received, kept: [] };
    return received >= state.sent - state.kept.length ? state : undefined;
  };

  return {
    admit({ socket: link, key, offered }: Admission<User, GateSocket, unknown>) {
      const request = readResumeRequest(offered);
      if (request.kind === 'none') return {};
      if (request.kind === 'malformed') {
        void closeSocket(link, MALFORMED_REQUEST.code, MALFORMED_REQUEST.reason);
        return { connection: { emit: false } };
      }
      if (request.kind === 'new') return start(link, key, 'new');
      const { session: id, received } = request;
      const local = sessions.get(id);
      if (local) {
        // Another user's key never continues a session (and does not end it).
        if (local.key !== key) return start(link, key, 'lost');
        if (local.canContinue(received)) {
          local.connect(link, 'resumed', received);
          return staged(local, link, undefined);
        }
        // It overflowed while the client was away: it ends, the client starts over.
        local.close(SESSION_CLOSE.lost.code, SESSION_CLOSE.lost.reason);
        return start(link, key, 'lost');
      }
      // Perhaps another instance has it: it moves here.
      return store.take(id, key, owner, limits).catch((error: unknown) => {
        report(error);
        return undefined;
      }).then((taken) => {
        const state = continuable(taken, received);
        if (state) return begin(link, id, key, state, 'resumed', received, true);
        if (taken) store.end(id);
        return start(link, key, 'lost');
      });
    },

    check: (offered) => (readResumeRequest(offered).kind === 'malformed' ? { status: 400, reason: 'malformed resume request' } : undefined),

    revoked(key, code, reason) {
      for (const session of [...sessions.values()]) if (session.key === key) session.close(code, reason);
    },

    close() {
      for (const session of [...sessions.values()]) session.detach();
      store.detach?.(owner);
    },
  };
}
