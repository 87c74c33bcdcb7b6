import { randomBytes } from 'node:crypto';

/** A new session id: 128 random bits as 22 base64url characters. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}
