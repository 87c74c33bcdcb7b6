/**
 * authsocket: the authenticated WebSocket client.
 * @packageDocumentation
 */
import { AuthSocket } from './full.ts';
// The main entry uses both runtime dependencies (every carrier by name, the
// cookie one included): this entry file names them itself, so a reader of
// dist/index.js sees what it depends on.
import 'reconnecting-websocket';
import 'js-cookie';

export { AuthSocket };
export { AuthSocketError, type AuthSocketErrorCode } from './errors/AuthSocketError.ts';
export { jsonCodec } from './core/codec.ts';
export type {
  AuthOptions,
  AuthOptionsBase,
  MessageAuthOptions,
  UpgradeAuthOptions,
  AuthSocketEvents,
  AuthSocketOptions,
  CarrierName,
  CloseCodeAction,
  CloseInfo,
  Codec,
  CookieOptions,
  Credential,
  Frame,
  HeartbeatOptions,
  ReconnectOptions,
  ResumeOptions,
  SetupConnection,
  StandardSchemaResult,
  StandardSchemaV1,
  State,
  WebSocketConstructorLike,
  WebSocketLike,
} from './types.ts';
export default AuthSocket;
