import type { AuthSocket, AuthSocketError } from '../index.ts';

/**
 * What the hooks read of one provider's socket, kept where every hook can see
 * it: the last message and the last error are remembered here, so that a
 * component mounted later still reads them. The hooks subscribe to this store,
 * not to the socket, so the values are up to date before any hook re-renders.
 */
export class SocketStore<In, Out> {
  lastMessage: In | undefined;
  lastError: AuthSocketError | undefined;
  readonly #subscribers = new Set<() => void>();

  constructor(readonly socket: AuthSocket<In, Out>) {}

  /** For `useSyncExternalStore`: called after every change of state, leader, message or error. */
  readonly subscribe = (onChange: () => void): (() => void) => {
    this.#subscribers.add(onChange);
    return () => void this.#subscribers.delete(onChange);
  };

  /** Listens to the socket until the returned function is called (the provider's effect). */
  listen(): () => void {
    const notify = () => {
      for (const subscriber of [...this.#subscribers]) subscriber();
    };
    const unsubscribes = [
      this.socket.on('message', (msg) => {
        this.lastMessage = msg;
        notify();
      }),
      this.socket.on('error', (error) => {
        this.lastError = error;
        notify();
      }),
      // `leader` changes only together with a state change (a tab takes over or leaves).
      this.socket.on('state', notify),
    ];
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }
}
