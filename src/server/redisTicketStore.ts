// A TicketStore on Redis, for several server instances behind a load
// balancer: a ticket issued by one instance can be redeemed on any other, and
// only once (GETDEL is atomic). Needs Redis ≥ 6.2.
import type { TicketStore } from './tickets.ts';
import { isTicket, newTicket, ticketKey } from './ticketFormat.ts';
import { AuthGateError, invalidOption } from './core/errors.ts';

/**
 * The one thing the store needs from your Redis client: send a command, get
 * the reply (`null` for a nil reply). No Redis client is bundled.
 *
 * @example
 * ```ts
 * // node-redis 4+
 * const commands: RedisCommands = { command: (args) => client.sendCommand(args) };
 * // ioredis
 * const commands: RedisCommands = { command: ([name, ...rest]) => redis.call(name, ...rest) };
 * ```
 */
export interface RedisCommands {
  command(args: string[]): Promise<unknown>;
}

/**
 * Options of `createRedisTicketStore`.
 *
 * @example
 * ```ts
 * createRedisTicketStore({ redis: { command: (args) => client.sendCommand(args) }, ttl: 30_000, prefix: 'myapp:ticket:' });
 * ```
 */
export interface RedisTicketStoreOptions {
  redis: RedisCommands;
  /** Milliseconds a ticket stays valid. */
  ttl: number;
  /** Key prefix. Default `'authsocket:ticket:'`. */
  prefix?: string;
}

/**
 * A {@link TicketStore} shared through Redis. Subjects are stored as JSON, so
 * they must survive `JSON.stringify`. Keys are the tickets' SHA-256, never
 * the tickets themselves.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const tickets = createRedisTicketStore<string>({
 *   redis: { command: (args) => client.sendCommand(args) },
 *   ttl: 30_000,
 * });
 * const ticket = await tickets.issue(userId);   // on instance A
 * await tickets.redeem(ticket);                 // on instance B: userId, then null
 * ```
 */
export function createRedisTicketStore<Subject = string>(options: RedisTicketStoreOptions): TicketStore<Subject> {
  const { redis, ttl, prefix = 'authsocket:ticket:' } = options ?? ({} as RedisTicketStoreOptions);
  if (typeof redis?.command !== 'function') throw invalidOption('`redis.command(args)` is required', 'createRedisTicketStore');
  if (!(Number.isInteger(ttl) && ttl > 0)) throw invalidOption('`ttl` must be a positive integer of ms', 'createRedisTicketStore');

  return {
    async issue(subject) {
      const value = JSON.stringify(subject);
      if (value === undefined) throw new AuthGateError('INVALID_ARGUMENT', 'createRedisTicketStore: the subject must be JSON-serialisable');
      // NX: a 256-bit collision is not going to happen, but if it did, two
      // users must never share a ticket.
      const ticket = newTicket();
      const reply = await redis.command(['SET', prefix + ticketKey(ticket), value, 'PX', String(ttl), 'NX']);
      if (reply !== 'OK') throw new Error('createRedisTicketStore: could not store the ticket');
      return ticket;
    },
    async redeem(ticket) {
      if (!isTicket(ticket)) return null;
      const reply = await redis.command(['GETDEL', prefix + ticketKey(ticket)]);
      if (reply === null || reply === undefined) return null;
      return JSON.parse(Buffer.isBuffer(reply) ? reply.toString('utf8') : String(reply)) as Subject;
    },
  };
}
