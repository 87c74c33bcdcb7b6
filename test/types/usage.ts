// Type tests for the public API, checked by `tsc` (see types.test.ts). Lines
// under `// @ts-expect-error` must fail to compile; types.test.ts also checks
// that each of them really is an error once the directive is removed.
// Each erroneous expression stays on the single line after its directive.
import type { StandardSchemaV1 as OfficialStandardSchemaV1 } from '@standard-schema/spec';
import DefaultExport, {
  AuthSocket,
  AuthSocketError,
  jsonCodec,
  type AuthSocketErrorCode,
  type AuthSocketEvents,
  type AuthSocketOptions,
  type CloseInfo,
  type Credential,
  type StandardSchemaV1,
  type State,
} from '../../src/index.ts';
import * as Lite from '../../src/lite.ts';

/** Compile-time equality of two types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `T` is `true`. */
function check<T extends true>(): T | void {}

type ServerMsg = { type: 'chat'; text: string } | { type: 'presence'; online: number };
type ClientMsg = { type: 'say'; text: string };

const socket = new AuthSocket<ServerMsg, ClientMsg>('wss://api.example.com/ws', {
  auth: { via: 'subprotocol', token: async () => ({ token: 't', expiresAt: Date.now() + 60_000 }) },
  startClosed: true,
});

// ── positive checks ───────────────────────────────────────────────────────

check<Equal<typeof DefaultExport, typeof AuthSocket>>();
check<Equal<State, 'idle' | 'connecting' | 'authenticating' | 'open' | 'reconnecting' | 'closed'>>();
check<Equal<typeof socket.state, State>>();
check<Equal<typeof socket.url, string>>();
check<Equal<ReturnType<typeof socket.ready>, Promise<void>>>();
check<Equal<ReturnType<typeof socket.reauthenticate>, Promise<void>>>();
check<Equal<Credential, string | { token: string; expiresAt?: number }>>();

socket.send({ type: 'say', text: 'hello' });

socket.on('connecting', (event) => check<Equal<typeof event, { attempt: number }>>());
socket.on('open', (event) => check<Equal<typeof event, { attempt: number; session?: 'new' | 'resumed' | 'lost' }>>());
socket.on('message', (msg) => {
  check<Equal<typeof msg, ServerMsg>>();
  // Narrowing works on the discriminated union.
  if (msg.type === 'chat') check<Equal<typeof msg.text, string>>();
  else check<Equal<typeof msg.online, number>>();
});
socket.on('close', (event) => {
  check<Equal<typeof event, CloseInfo>>();
  check<Equal<typeof event.code, number>>();
  check<Equal<typeof event.reason, string>>();
  check<Equal<typeof event.wasClean, boolean>>();
  check<Equal<typeof event.willReconnect, boolean>>();
  check<Equal<typeof event.dropped, number | undefined>>();
});
socket.on('reconnecting', (event) => check<Equal<typeof event, { attempt: number; delay: number }>>());
socket.on('unauthorized', (event) => check<Equal<typeof event, { code: number; reason: string }>>());
socket.on('error', (error) => {
  check<Equal<typeof error, AuthSocketError>>();
  check<Equal<typeof error.code, AuthSocketErrorCode>>();
});
socket.on('state', (event) => check<Equal<typeof event, { from: State; to: State }>>());
socket.on('reauthenticated', (event) => check<Equal<typeof event, { via: 'in-place' | 'reconnect' }>>());
check<Equal<AuthSocketEvents<ServerMsg>['message'], ServerMsg>>();

// on/once return their own unsubscribe; off takes the same listener.
const unsubscribe = socket.once('open', () => {});
check<Equal<typeof unsubscribe, () => void>>();
const onState = (_: { from: State; to: State }) => {};
socket.on('state', onState);
socket.off('state', onState);

// Out defaults to In.
const echo = new AuthSocket<ClientMsg>('wss://api.example.com/ws', { startClosed: true });
echo.send({ type: 'say', text: 'same shape both ways' });
echo.on('message', (msg) => check<Equal<typeof msg, ClientMsg>>());

// Without type arguments, messages are unknown.
const untyped = new AuthSocket('wss://api.example.com/ws', { startClosed: true });
untyped.on('message', (msg) => check<Equal<typeof msg, unknown>>());

// A validator typed with the official Standard Schema spec is accepted, and its
// output type matches In.
const officialSchema: OfficialStandardSchemaV1<{ type: string }, ServerMsg> = {
  '~standard': {
    version: 1,
    vendor: 'example',
    validate: (value) => ({ value: value as ServerMsg }),
  },
};
const localSchema: StandardSchemaV1<unknown, ServerMsg> = officialSchema;
export const validated = new AuthSocket<ServerMsg, ClientMsg>('wss://api.example.com/ws', {
  validate: officialSchema,
  startClosed: true,
});
export const validatedLocal = new AuthSocket<ServerMsg, ClientMsg>('wss://api.example.com/ws', { validate: localSchema, startClosed: true });

// Every carrier and option from the contract is accepted.
export const options: AuthSocketOptions<ServerMsg, ClientMsg>[] = [
  { auth: { via: 'query', token: 't', param: 'ticket' } },
  { auth: { via: 'subprotocol', token: () => 't', prefix: 'bearer.' }, protocols: ['chat.v1'] },
  { auth: { via: 'cookie', token: 't', cookie: { name: 'ws', domain: 'example.com', path: '/', sameSite: 'Lax', secure: true } } },
  {
    auth: {
      via: 'message',
      token: async () => 't',
      refresh: 'in-place',
      message: (token) => ({ type: 'say', text: token }),
      isAck: (msg) => msg.type === 'presence',
      isReject: (msg) => msg.type === 'chat',
      timeout: 5_000,
      maxFailures: 5,
    },
  },
  { auth: { via: 'header', token: 't', refresh: 'reconnect' } },
  { auth: { via: 'subprotocol', token: 't', ack: true, timeout: 5_000, isAck: (msg) => msg.type === 'presence' } },
  {
    closeCodes: { 4400: 'fatal', 4401: 'unauthorized', 4403: 'forbidden', 4500: 'retry' },
    setup: async (connection) => {
      connection.send({ type: 'say', text: 'subscribe' });
      connection.send('{"type":"raw"}');
    },
    reconnect: { minUptime: 10_000 },
  },
  {
    reconnect: { minDelay: 1, maxDelay: 2, factor: 1.5, maxRetries: 3, connectionTimeout: 100, hintAfter: 2 },
    heartbeat: { interval: 1, timeout: 1, ping: () => 'ping', isPong: (msg) => msg.type === 'presence' },
    queue: { max: 10 },
    codec: jsonCodec,
    allowInsecure: true,
    debug: (line: string) => void line,
  },
  { reconnect: false, debug: true },
];

export const errorCode: AuthSocketErrorCode = new AuthSocketError('QUEUE_FULL', 'full').code;
export const staticError: typeof AuthSocketError = AuthSocket.AuthSocketError;

// ── must not compile ──────────────────────────────────────────────────────

// @ts-expect-error a message of the wrong shape for Out
socket.send({ type: 'shout', volume: 11 });

// @ts-expect-error an event name that does not exist
socket.on('connected', () => {});

// @ts-expect-error a property that In does not have
socket.on('message', (msg) => msg.payload);

// @ts-expect-error an unknown carrier
export const badVia = new AuthSocket('wss://api.example.com/ws', { auth: { via: 'bearer', token: 't' } });

// @ts-expect-error sending the server's message type where Out is expected
socket.send({ type: 'chat', text: 'wrong direction' });

// @ts-expect-error a listener whose payload type does not match the event
socket.on('open', (event: { code: number }) => event.code);

// @ts-expect-error refresh only takes 'reconnect' or 'in-place'
export const badRefresh: AuthSocketOptions = { auth: { via: 'message', token: 't', refresh: 'always' } };

// @ts-expect-error in-place refresh needs the message carrier
export const inPlaceSubprotocol: AuthSocketOptions = { auth: { via: 'subprotocol', token: 't', refresh: 'in-place' } };

// @ts-expect-error in-place refresh needs the message carrier (cookie)
export const inPlaceCookie = new AuthSocket('wss://api.example.com/ws', { auth: { via: 'cookie', token: 't', refresh: 'in-place' } });

// @ts-expect-error in-place refresh needs the message carrier (query, header, basic alike)
export const inPlaceQuery: AuthSocketOptions['auth'] = { via: 'query', token: () => 't', refresh: 'in-place' };

// @ts-expect-error a closeCodes action that does not exist
export const badCloseCode: AuthSocketOptions = { closeCodes: { 4400: 'ignore' } };

// @ts-expect-error setup's connection sends Out (or a string), not In
export const badSetup = new AuthSocket<ServerMsg, ClientMsg>('wss://api.example.com/ws', { setup: (c) => c.send({ type: 'chat', text: 'x' }) });

// @ts-expect-error state is read-only information, not a setter
socket.state = 'open';

// authsocket/lite: `auth.via` takes a carrier value from the entry; the class is the main entry's.
export const lite = new Lite.AuthSocket<ServerMsg, ClientMsg>('wss://api.example.com/ws', { auth: { via: Lite.subprotocol, token: () => 't' } });
export const liteIsCore: Equal<typeof lite, Lite.AuthSocket<ServerMsg, ClientMsg>> = true;
export const liteInPlace = new Lite.AuthSocket('wss://api.example.com/ws', { auth: { via: Lite.message, token: 't', refresh: 'in-place' } });
export const liteError: typeof AuthSocketError = Lite.AuthSocketError;
lite.send({ type: 'say', text: 'hi' });

// @ts-expect-error the lite entry takes carrier values, not names
export const liteByName = new Lite.AuthSocket('wss://api.example.com/ws', { auth: { via: 'subprotocol', token: 't' } });

// @ts-expect-error in-place refresh needs the message carrier in the lite entry too
export const liteInPlaceQuery = new Lite.AuthSocket('wss://api.example.com/ws', { auth: { via: Lite.query, token: 't', refresh: 'in-place' } });

// @ts-expect-error the lite entry has no tab sharing
export const liteShared = new Lite.AuthSocket('wss://api.example.com/ws', { shared: true });

// @ts-expect-error the main entry takes names, not the lite entry's carrier values
export const mainByValue = new AuthSocket('wss://api.example.com/ws', { auth: { via: Lite.subprotocol, token: 't' } });

// @ts-expect-error lite sends Out, not In
lite.send({ type: 'chat', text: 'x' });

// authsocket/lite: the optional features take the entry's wrapped values.
export const liteFeatures = new Lite.AuthSocket<ServerMsg, ClientMsg>('wss://api.example.com/ws', {
  auth: { via: Lite.subprotocol, token: 't' },
  heartbeat: Lite.heartbeat({ interval: 20_000, timeout: 5_000, isPong: (msg: ServerMsg) => msg.type === 'chat' }),
  setup: Lite.setup<ClientMsg>((connection) => connection.send({ type: 'say', text: 'hi' })),
  closeCodes: Lite.closeCodes({ 4400: 'fatal', 4408: 'unauthorized' }),
});

// @ts-expect-error lite: a plain heartbeat object is not enough, wrap it in heartbeat()
export const litePlainHeartbeat = new Lite.AuthSocket('wss://api.example.com/ws', { heartbeat: { interval: 1, timeout: 1 } });

// @ts-expect-error lite: a plain setup function is not enough, wrap it in setup()
export const litePlainSetup = new Lite.AuthSocket('wss://api.example.com/ws', { setup: () => {} });

// @ts-expect-error lite: closeCodes() takes the four actions only
export const liteBadAction = Lite.closeCodes({ 4400: 'explode' });

// @ts-expect-error lite: a wrapped value goes to its own option only
export const liteSwapped = new Lite.AuthSocket('wss://api.example.com/ws', { heartbeat: Lite.closeCodes({ 4400: 'fatal' }) });

// @ts-expect-error the main entry takes plain values, not the lite entry's wrapped ones
export const mainWrapped = new AuthSocket('wss://api.example.com/ws', { heartbeat: Lite.heartbeat({ interval: 1, timeout: 1 }) });

// authsocket/lite: auth.ack is the entry's `ack` value
export const liteAck = new Lite.AuthSocket('wss://api.example.com/ws', { auth: { via: Lite.query, ack: Lite.ack, token: 't' } });

// @ts-expect-error lite: ack: true needs the main entry; pass the lite entry's ack
export const liteAckTrue = new Lite.AuthSocket('wss://api.example.com/ws', { auth: { via: Lite.query, ack: true, token: 't' } });
