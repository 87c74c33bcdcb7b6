import { useContext, useEffect, useRef, useSyncExternalStore } from 'react';
import type { AuthSocket, AuthSocketError, AuthSocketEvents, State } from '../index.ts';
import { SocketContext } from './provider.ts';
import type { SocketStore } from './store.ts';

function useStore<In, Out>(hook: string): SocketStore<In, Out> {
  const store = useContext(SocketContext);
  if (!store) throw new Error(`authsocket/react: ${hook}() must be called inside an <AuthSocketProvider>`);
  return store;
}

/**
 * The nearest provider's socket: the same object on every render until the
 * provider's `url` changes. Where there is no socket (server rendering, and the
 * render that hydrates it) a stand-in that reads `idle` and throws on `send`.
 * @throws Error outside an `<AuthSocketProvider>`
 * @example
 * ```tsx
 * const socket = useAuthSocket<ServerMsg, ClientMsg>();
 * return <button onClick={() => socket.send({ type: 'say', text })}>Send</button>;
 * ```
 */
export function useAuthSocket<In = unknown, Out = In>(): AuthSocket<In, Out> {
  return useStore<In, Out>('useAuthSocket').socket;
}

/**
 * The socket's state; the component re-renders on every change (through
 * `useSyncExternalStore`, so every component sees the same state in a render).
 * `'idle'` on the server.
 * @example
 * ```tsx
 * const state = useSocketState();
 * return <p>{state === 'open' ? 'live' : 'connecting…'}</p>;
 * ```
 */
export function useSocketState(): State {
  const store = useStore('useSocketState');
  return useSyncExternalStore(store.subscribe, () => store.socket.state, () => 'idle');
}

/**
 * Whether this tab holds the connection (with `shared`, only the leader tab
 * does; without it, always `true`). `false` on the server.
 * @example
 * ```tsx
 * const leader = useSocketLeader();
 * return <small>{leader ? 'connected in this tab' : 'through another tab'}</small>;
 * ```
 */
export function useSocketLeader(): boolean {
  const store = useStore('useSocketLeader');
  return useSyncExternalStore(store.subscribe, () => store.socket.leader, () => false);
}

/**
 * The last message received since the provider's socket was created, or
 * `undefined`. It re-renders when a message arrives that is not `===` the last
 * one; to see every message, use {@link useSocketEvent}.
 * @example
 * ```tsx
 * const price = useLastMessage<{ symbol: string; price: number }>();
 * return <span>{price?.price ?? '…'}</span>;
 * ```
 */
export function useLastMessage<In = unknown>(): In | undefined {
  const store = useStore<In, unknown>('useLastMessage');
  return useSyncExternalStore(store.subscribe, () => store.lastMessage, () => undefined);
}

/**
 * The last `error` event of the provider's socket, or `undefined`.
 * @example
 * ```tsx
 * const error = useSocketError();
 * if (error?.code === 'TOKEN_PROVIDER_FAILED') return <LoginAgain />;
 * ```
 */
export function useSocketError(): AuthSocketError | undefined {
  const store = useStore('useSocketError');
  return useSyncExternalStore(store.subscribe, () => store.lastError, () => undefined);
}

/**
 * Calls `listener` for each `type` event of the provider's socket while the
 * component is mounted. The listener may change on every render: the latest
 * one is called, and the subscription is made once (again for a new socket).
 * `In` types the `message` event's payload.
 * @example
 * ```tsx
 * useSocketEvent<ServerMsg>('message', (msg) => {
 *   if (msg.type === 'chat') setLines((lines) => [...lines, msg.text]);
 * });
 * useSocketEvent('close', ({ code }) => console.log('closed', code));
 * ```
 */
export function useSocketEvent<In = unknown>(type: 'message', listener: (msg: In) => void): void;
export function useSocketEvent<K extends keyof AuthSocketEvents>(type: K, listener: (payload: AuthSocketEvents[K]) => void): void;
export function useSocketEvent(type: keyof AuthSocketEvents, listener: (payload: any) => void): void {
  const { socket } = useStore('useSocketEvent');
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => socket.on(type, (payload) => latest.current(payload)), [socket, type]);
}
