// A TCP service behind websockify (0.10, `--token-plugin TokenFile`): the token
// in the query parameter `token` picks the target, and raw bytes flow both ways.
import { AuthSocket, type AuthSocketOptions, type Codec } from 'authsocket';

/** Binary frames in and out: websockify relays them to and from the TCP target as they are. */
export const bytes: Codec<Uint8Array, Uint8Array> = {
  encode: (chunk) => chunk,
  decode: (data) => (typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data)),
};

export function connectTcp(url: string, ticket: () => Promise<string>, options: AuthSocketOptions<Uint8Array, Uint8Array> = {}) {
  return new AuthSocket<Uint8Array, Uint8Array>(url, {
    protocols: ['binary'], // websockify's name for raw binary frames
    // websockify reads `?token=` (and logs a bad one in clear: use single-use tickets).
    auth: { via: 'query', param: 'token', token: ticket },
    codec: bytes,
    // No heartbeat: every byte goes to the TCP service, which would not understand a ping.
    ...options,
  });
}
