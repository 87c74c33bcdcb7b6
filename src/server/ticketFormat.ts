// What a ticket is: 32 random bytes as base64url (43 characters). Stores key
// tickets by their SHA-256, so a lookup's timing says nothing useful about a
// guessed ticket and a dump of the store holds no usable ticket.
import { createHash, randomBytes } from 'node:crypto';

const TICKET = /^[A-Za-z0-9_-]{43}$/;

export function newTicket(): string {
  return randomBytes(32).toString('base64url');
}

/** Cheap shape check, so junk never reaches a store. */
export function isTicket(value: unknown): value is string {
  return typeof value === 'string' && TICKET.test(value);
}

export function ticketKey(ticket: string): string {
  return createHash('sha256').update(ticket).digest('base64url');
}
