// Entry of the CDN build: the global `AuthSocket` is the class itself; its
// helpers (AuthSocketError, jsonCodec) are static properties of it.
import { AuthSocket } from './full.ts';

export default AuthSocket;
