import { createContext, createElement, type ReactElement, type ReactNode, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { AuthSocket, type AuthSocketOptions } from '../index.ts';
import { serverSocket } from './serverSocket.ts';
import { SocketStore } from './store.ts';

/** The nearest provider's store; `null` outside every provider. */
export const SocketContext = createContext<SocketStore<any, any> | null>(null);

/** Props of {@link AuthSocketProvider}. */
export interface AuthSocketProviderProps<In = unknown, Out = In> {
  /** The socket's URL. A new value closes the socket and opens a new one. */
  url: string | URL;
  /**
   * Read when the socket is created (once per `url`): a new object on a later
   * render does not reconnect. Only `auth.token` is read again: each attempt
   * calls the function of the latest render, so it may close over props or state.
   */
  options?: AuthSocketOptions<In, Out>;
  children?: ReactNode;
}

const noSubscription = () => () => {};

/**
 * Owns one {@link AuthSocket} for the components below it: created when the
 * provider mounts in the browser, closed when it unmounts. Under `<StrictMode>`
 * one connection is made; on the server none (no `WebSocket`, `window` or
 * `document` is used while rendering). Give a new `url` (or a new `key`) for a
 * new socket.
 *
 * @example
 * ```tsx
 * <AuthSocketProvider url="wss://api.example.com/live" options={{ auth: { via: 'subprotocol', token: getTicket } }}>
 *   <Chat />
 * </AuthSocketProvider>
 * ```
 */
export function AuthSocketProvider<In = unknown, Out = In>({ url, options, children }: AuthSocketProviderProps<In, Out>): ReactElement {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  // `false` on the server and in the render that hydrates its HTML: only then is
  // there no socket. Asked of React, not of `window`, which the server has not.
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  const href = String(url);
  const store = useMemo(
    // This render's options (with a new url, the new ones); later renders' only for auth.token.
    () => new SocketStore<In, Out>(inBrowser ? createSocket(href, options, () => latest.current) : serverSocket(href)),
    [inBrowser, href],
  );

  useEffect(() => {
    if (!inBrowser) return;
    const stopListening = store.listen();
    let mounted = true;
    // StrictMode unmounts and mounts again within this same task: opening on
    // the next microtask means the first, simulated mount never connects.
    // `startClosed: true` leaves it to the app to call `open()`.
    if (latest.current?.startClosed !== true) queueMicrotask(() => mounted && store.socket.open());
    return () => {
      mounted = false;
      stopListening();
      if (store.socket.state !== 'idle') store.socket.close();
    };
  }, [inBrowser, store]);

  return createElement(SocketContext.Provider, { value: store }, children);
}

/** A socket that waits for `open()` and whose token provider is always the latest render's. */
function createSocket<In, Out>(url: string, options: AuthSocketOptions<In, Out> = {}, current: () => AuthSocketOptions<In, Out> | undefined): AuthSocket<In, Out> {
  const auth = options.auth;
  if (typeof auth?.token !== 'function') return new AuthSocket(url, { ...options, startClosed: true });
  const token = () => {
    const latest = current()?.auth?.token ?? auth.token;
    return typeof latest === 'function' ? latest() : latest;
  };
  return new AuthSocket(url, { ...options, auth: { ...auth, token }, startClosed: true } as AuthSocketOptions<In, Out>);
}
