/**
 * authsocket/react: one {@link AuthSocketProvider} owns the socket, hooks read
 * it. It uses the `authsocket` entry's client (one copy in an app that imports
 * both) and needs React 18 or 19.
 *
 * @example
 * ```tsx
 * import { AuthSocketProvider, useAuthSocket, useSocketEvent, useSocketState } from 'authsocket/react';
 *
 * <AuthSocketProvider url="wss://api.example.com/live" options={{ auth: { via: 'subprotocol', token: getTicket } }}>
 *   <Chat />
 * </AuthSocketProvider>
 *
 * function Chat() {
 *   const socket = useAuthSocket<ServerMsg, ClientMsg>();
 *   const state = useSocketState();
 *   useSocketEvent<ServerMsg>('message', (msg) => append(msg));
 *   return <button disabled={state !== 'open'} onClick={() => socket.send({ type: 'say', text })}>Send</button>;
 * }
 * ```
 * @packageDocumentation
 */
import type { AuthSocket, AuthSocketError, AuthSocketEvents, State } from '../index.ts';
import { useAuthSocket, useLastMessage, useSocketError, useSocketEvent, useSocketLeader, useSocketState } from './hooks.ts';
import { AuthSocketProvider, type AuthSocketProviderProps } from './provider.ts';

export { AuthSocketProvider, useAuthSocket, useLastMessage, useSocketError, useSocketEvent, useSocketLeader, useSocketState };
export type { AuthSocketProviderProps };

/** The provider and hooks with `In`/`Out` fixed once, as {@link createAuthSocketHooks} returns them. */
export interface AuthSocketHooks<In, Out> {
  AuthSocketProvider: (props: AuthSocketProviderProps<In, Out>) => ReturnType<typeof AuthSocketProvider>;
  useAuthSocket: () => AuthSocket<In, Out>;
  useSocketEvent: <K extends keyof AuthSocketEvents<In>>(type: K, listener: (payload: AuthSocketEvents<In>[K]) => void) => void;
  useLastMessage: () => In | undefined;
  useSocketState: () => State;
  useSocketLeader: () => boolean;
  useSocketError: () => AuthSocketError | undefined;
}

/**
 * The same provider and hooks, typed once for your messages, so that no call
 * needs a type argument. Costs nothing at run time.
 * @example
 * ```ts
 * export const { AuthSocketProvider, useAuthSocket, useSocketEvent } = createAuthSocketHooks<ServerMsg, ClientMsg>();
 * ```
 */
export function createAuthSocketHooks<In, Out = In>(): AuthSocketHooks<In, Out> {
  return { AuthSocketProvider, useAuthSocket, useSocketEvent, useLastMessage, useSocketState, useSocketLeader, useSocketError } as AuthSocketHooks<In, Out>;
}
