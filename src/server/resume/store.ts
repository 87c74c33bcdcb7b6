// Where sessions live besides the process that serves them. The session
// socket owns a session's state while its gate serves it; the store keeps what
// another gate instance needs to continue it (the counts and the frames the
// client has not acknowledged) and moves the session between instances.

/** A session's counts and kept frames, as a gate needs them to continue it. */
export interface SessionState {
  /** App frames the gate received from the client in the session. */
  received: number;
  /** App frames the gate sent in the session. */
  sent: number;
  /**
   * The sent frames the client had not acknowledged, the last being number
   * `sent`, in their wire form. Fewer than `sent - acknowledged` when the
   * buffer overflowed (then a client lacking an older one gets `lost`).
   */
  kept: Array<string | Uint8Array>;
}

/** The gate serving a session, as its store sees it. */
export interface SessionOwner {
  /**
   * Another instance continues the session: close its socket, stop serving it
   * (its session socket emits `close`), record what the store lacks, and
   * return its state (`undefined` when it no longer has the session).
   */
  release(id: string): SessionState | undefined;
}

/** How long a session outlives its socket and how many frames it keeps. */
export interface SessionLimits {
  window: number;
  maxBuffered: number;
}

/**
 * Where sessions are kept, shared by the gate instances that may continue
 * each other's sessions: in this process's memory by default, or Redis with
 * `createRedisSessions`. The gate calls it; apps only pass it as
 * `resume.store`. Writes (`sent`, `received`, `acknowledged`, `end`) are
 * fire-and-forget and must be applied in call order.
 *
 * @example
 * ```ts
 * createAuthGate({ origins, verify, resume: { store: createRedisSessions({ redis }) } });
 * ```
 */
export interface SessionStore {
  /** A new session of the user `key`, served by `owner`. */
  create(id: string, key: string, owner: SessionOwner, limits: SessionLimits): void | Promise<void>;
  /**
   * Moves the session to `owner`: its previous owner releases it first. Resolves
   * with its state, or `undefined` when the store does not have it for this
   * user key (never created, ended, expired, another user's).
   */
  take(id: string, key: string, owner: SessionOwner, limits: SessionLimits): Promise<SessionState | undefined>;
  /** The gate sent app frame number `n` (in its wire form). */
  sent(id: string, n: number, frame: string | Uint8Array): void;
  /** The gate received `n` app frames. */
  received(id: string, n: number): void;
  /** The client acknowledged `n` frames: those up to `n` need not be kept. */
  acknowledged(id: string, n: number): void;
  /** The session's socket dropped: it ends unless continued within `window` ms. */
  suspended(id: string): void;
  /** The session ended: forget it. */
  end(id: string): void;
  /** The gate closes: it stops serving the sessions `owner` served (they stay, to be continued elsewhere). */
  detach?(owner: SessionOwner): void;
}

/**
 * The default store: this process's memory. A session can move between gates
 * of this process; it is lost when the process ends.
 */
/** Stores that keep no frames (in memory: the session socket has them): nothing is converted for them. */
const keepsNoFrames = new WeakSet<SessionStore>();
/** Whether `store` keeps each frame sent (`sent` does something). */
export const recordsFrames = (store: SessionStore): boolean => !keepsNoFrames.has(store);

export function createMemorySessions(): SessionStore {
  const sessions = new Map<string, { key: string; owner: SessionOwner }>();
  const store: SessionStore = {
    create(id, key, owner) {
      sessions.set(id, { key, owner });
    },
    async take(id, key, owner) {
      const record = sessions.get(id);
      if (!record || record.key !== key) return undefined;
      // The owner holds the state: in one process it is handed over as is.
      const state = record.owner === owner ? undefined : record.owner.release(id);
      if (!state) return void sessions.delete(id);
      record.owner = owner;
      return state;
    },
    sent() {},
    received() {},
    acknowledged() {},
    suspended() {},
    end(id) {
      sessions.delete(id);
    },
    detach(owner) {
      // Its sessions lived in that gate's memory: nobody can continue them.
      for (const [id, record] of sessions) if (record.owner === owner) sessions.delete(id);
    },
  };
  keepsNoFrames.add(store);
  return store;
}
