// Type tests for authsocket/react, checked by `tsc` (see react-types.test.ts).
// Lines under `// @ts-expect-error` must fail to compile; react-types.test.ts
// also checks that each of them really is an error once the directive is removed.
// Each erroneous expression stays on the single line after its directive.
import { createElement } from 'react';
import type { AuthSocket, AuthSocketError, CloseInfo, State } from '../../src/index.ts';
import {
  AuthSocketProvider,
  createAuthSocketHooks,
  useAuthSocket,
  useLastMessage,
  useSocketError,
  useSocketEvent,
  useSocketLeader,
  useSocketState,
} from '../../src/react/index.ts';

/** Compile-time equality of two types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `T` is `true`. */
function check<T extends true>(): T | void {}

type ServerMsg = { type: 'chat'; text: string } | { type: 'presence'; online: number };
type ClientMsg = { type: 'say'; text: string };

// ── the provider: its options are typed by In/Out ─────────────────────────

createElement(AuthSocketProvider<ServerMsg, ClientMsg>, {
  url: '/live',
  options: { auth: { via: 'message', token: async () => 't', message: (token) => ({ type: 'say', text: token }), isAck: (msg) => msg.type === 'chat' } },
});
// @ts-expect-error: the auth message must be an Out (or a string)
createElement(AuthSocketProvider<ServerMsg, ClientMsg>, { url: '/live', options: { auth: { via: 'message', token: 't', message: () => ({ type: 'shout' }) } } });
// @ts-expect-error: url is required
createElement(AuthSocketProvider, { options: {} });

// ── hooks with type arguments ───────────────────────────────────────────────

function Chat() {
  const socket = useAuthSocket<ServerMsg, ClientMsg>();
  check<Equal<typeof socket, AuthSocket<ServerMsg, ClientMsg>>>();
  socket.send({ type: 'say', text: 'hi' });
  // @ts-expect-error: not a ClientMsg
  socket.send({ type: 'say', body: 'hi' });

  check<Equal<ReturnType<typeof useSocketState>, State>>();
  check<Equal<ReturnType<typeof useSocketLeader>, boolean>>();
  check<Equal<ReturnType<typeof useSocketError>, AuthSocketError | undefined>>();
  const last = useLastMessage<ServerMsg>();
  check<Equal<typeof last, ServerMsg | undefined>>();

  useSocketEvent<ServerMsg>('message', (msg) => {
    check<Equal<typeof msg, ServerMsg>>();
    if (msg.type === 'chat') check<Equal<typeof msg.text, string>>();
  });
  useSocketEvent('close', (info) => check<Equal<typeof info, CloseInfo>>());
  useSocketEvent('state', ({ from, to }) => check<Equal<[typeof from, typeof to], [State, State]>>());
  useSocketEvent('error', (error) => check<Equal<typeof error, AuthSocketError>>());
  // @ts-expect-error: no such event
  useSocketEvent('opened', () => {});
  // @ts-expect-error: the listener's message type is not the socket's
  useSocketEvent<ServerMsg>('message', (msg: { type: 'other' }) => msg);
  // @ts-expect-error: a close listener does not get a State
  useSocketEvent('close', (info: { from: State }) => info);
  return null;
}

// ── hooks typed once ────────────────────────────────────────────────────────

const chat = createAuthSocketHooks<ServerMsg, ClientMsg>();

function TypedChat() {
  const socket = chat.useAuthSocket();
  socket.send({ type: 'say', text: 'hi' });
  // @ts-expect-error: not a ClientMsg
  socket.send({ type: 'whisper', text: 'hi' });
  chat.useSocketEvent('message', (msg) => check<Equal<typeof msg, ServerMsg>>());
  const last = chat.useLastMessage();
  check<Equal<typeof last, ServerMsg | undefined>>();
  // @ts-expect-error: presence messages have no `text`
  chat.useSocketEvent('message', (msg) => msg.type === 'presence' && msg.text);
  return null;
}

// Props as JSX checks them (`<chat.AuthSocketProvider url=… options={…} />`).
chat.AuthSocketProvider({ url: '/live', options: { heartbeat: { interval: 1000, timeout: 500, ping: () => ({ type: 'say', text: 'ping' }) } } });
// @ts-expect-error: the typed provider's ping must be a ClientMsg
chat.AuthSocketProvider({ url: '/live', options: { heartbeat: { interval: 1000, timeout: 500, ping: () => ({ type: 'ping' }) } } });

export { Chat, TypedChat };
