import { type AuthSocket, AuthSocketError } from '../index.ts';

const noConnection = () =>
  new AuthSocketError(
    'CONNECTION_FAILED',
    // Ends with the code's anchor, as the client's own messages do.
    'no socket outside the browser (server rendering, or the render that hydrates it): use it in an effect or an event handler — docs/errors.md#connection_failed',
  );

/**
 * What `useAuthSocket()` returns where the socket does not exist: during
 * server rendering and the one render that hydrates it. It reads as a socket
 * that has not started (state `idle`); its listeners are never called; what
 * would act (`send`, `open`, `close`, `reconnect`, `reauthenticate`, `ready`)
 * throws or rejects, so that nothing is dropped silently.
 */
export function serverSocket<In, Out>(url: string): AuthSocket<In, Out> {
  const act = (): never => {
    throw noConnection();
  };
  const stub = {
    url,
    state: 'idle',
    leader: false,
    send: act,
    open: act,
    close: act,
    reconnect: act,
    reauthenticate: () => Promise.reject(noConnection()),
    ready: () => Promise.reject(noConnection()),
    on: () => () => {},
    once: () => () => {},
    off: () => {},
  };
  // Same public surface as the class; the class's private state cannot be copied.
  return stub as unknown as AuthSocket<In, Out>;
}
