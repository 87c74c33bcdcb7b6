// The gate's sessions: gives an admitted resume client its session (new,
// continued, or lost and replaced), finds the session socket across
// connections, and ends a user's sessions on revocation. The gate core calls
// `open` once per admitted connection that asked for resume.
import type { WebSocket } from 'ws';
import type { ResumeStatus } from '../../wire.ts';
import type { ResumeSettings } from './options.ts';
import type { ResumeRequest } from './request.ts';
import { newSessionId } from './sessionId.ts';
import { SessionSocket, type SessionDeps } from './sessionSocket.ts';
import type { SessionOwner, SessionState } from './store.ts';

/** What the gate's `connection` event says about the session. */
export interface SessionInfo {
  /** The session's id. */
  session: string;
  /** The session came from another gate instance (it continued there before). */
  moved?: boolean;
}

/** Frames a client may send before its session is settled (it should wait for the answer). */
const EARLY_FRAMES = 64;

export interface SessionRegistry {
  /**
   * An admitted connection asked for a session: answers it and serves it.
   * `connected` runs once per new session (not when a session continues on
   * this instance); a throw there ends the session with 1011.
   */
  open(ws: WebSocket, key: string, request: Exclude<ResumeRequest, { kind: 'none' | 'malformed' }>, connected: (socket: SessionSocket, info: SessionInfo) => void): void;
  /** Revocation: ends the user's sessions on this instance, closing their connections with `code`. */
  endUser(key: string, code: number, reason: string): void;
  /** The gate closes: its sessions stop here (a shared store keeps them for other instances). */
  close(): void;
}

const EMPTY: SessionState = { received: 0, sent: 0, kept: [] };

export function createSessionRegistry(settings: ResumeSettings, closeSocket: SessionDeps['closeSocket'], report: (error: unknown) => void): SessionRegistry {
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

  const begin = (ws: WebSocket, id: string, key: string, state: SessionState, status: ResumeStatus, received: number, info: SessionInfo, connected: Parameters<SessionRegistry['open']>[3]): SessionSocket => {
    const socket = new SessionSocket(id, key, state, deps);
    sessions.set(id, socket);
    socket.connect(ws, status, received);
    try {
      connected(socket, info);
    } catch (error) {
      report(error);
      socket.close(1011, 'internal error');
    }
    return socket;
  };

  /** A new session; `status` says whether the client asked for one (`new`) or for one we lack (`lost`). */
  const start = (ws: WebSocket, key: string, status: 'new' | 'lost', connected: Parameters<SessionRegistry['open']>[3]): SessionSocket => {
    const id = newSessionId();
    const created = store.create(id, key, owner, limits);
    if (created instanceof Promise) created.catch(report);
    return begin(ws, id, key, EMPTY, status, 0, { session: id }, connected);
  };

  return {
    open(ws, key, request, connected) {
      if (request.kind === 'new') return void start(ws, key, 'new', connected);
      const { session: id, received } = request;
      const local = sessions.get(id);
      if (local) {
        // Another user's key never continues a session (and does not end it).
        if (local.key !== key) return void start(ws, key, 'lost', connected);
        if (local.canContinue(received)) return local.connect(ws, 'resumed', received);
        // It overflowed while the client was away: it ends, the client starts over.
        local.close(1001, 'session lost');
        return void start(ws, key, 'lost', connected);
      }
      // Perhaps on another instance: hold the client's frames until the store answered.
      const early: Array<[Buffer, boolean]> = [];
      const hold = (data: Buffer, isBinary: boolean) => {
        early.push([data, isBinary]);
        if (early.length > EARLY_FRAMES) void closeSocket(ws, 1008, 'frames before the session answer');
      };
      ws.on('message', hold);
      const settle = (state: SessionState | undefined) => {
        ws.off('message', hold);
        let socket: SessionSocket;
        // The client can have more than the store recorded (an instance died after sending, before recording).
        const sent = state ? Math.max(state.sent, received) : 0;
        if (state && received >= sent - state.kept.length) {
          socket = begin(ws, id, key, { ...state, sent, kept: state.kept.slice(0, state.kept.length - (sent - state.sent)) }, 'resumed', received, { session: id, moved: true }, connected);
        } else {
          if (state) store.end(id);
          socket = start(ws, key, 'lost', connected);
        }
        for (const [data, isBinary] of early) socket.receive(ws, data, isBinary);
      };
      store.take(id, key, owner, limits).then(settle, (error: unknown) => {
        report(error);
        settle(undefined);
      });
    },

    endUser(key, code, reason) {
      for (const session of [...sessions.values()]) if (session.key === key) session.close(code, reason);
    },

    close() {
      for (const session of [...sessions.values()]) session.detach();
      store.detach?.(owner);
    },
  };
}
