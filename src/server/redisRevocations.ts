// Revocations over Redis pub/sub, for several gate instances behind a load
// balancer: `revoke()` on one instance closes the user's sockets on all of
// them. Same small-adapter style as the Redis ticket store: no client bundled.
import type { Revocations } from './revocations.ts';

/**
 * The two things revocations need from your Redis client. `subscribe` must use
 * a connection of its own (a subscribed Redis connection accepts no other
 * command); it may return a promise, which `ready` follows.
 *
 * @example
 * ```ts
 * // node-redis 4+: a second connection for subscribing
 * const pub = await createClient({ url }).connect();
 * const sub = await pub.duplicate().connect();
 * const redis: RedisPubSub = {
 *   publish: (channel, message) => pub.publish(channel, message),
 *   subscribe: (channel, onMessage) => sub.subscribe(channel, (message) => onMessage(message)),
 * };
 * // ioredis: likewise two connections
 * const pub = new Redis(url), sub = new Redis(url);
 * const redis: RedisPubSub = {
 *   publish: (channel, message) => pub.publish(channel, message),
 *   subscribe: (channel, onMessage) => {
 *     sub.on('message', (from, message) => from === channel && onMessage(message));
 *     return sub.subscribe(channel);
 *   },
 * };
 * ```
 */
export interface RedisPubSub {
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string, onMessage: (message: string) => void): unknown;
}

/**
 * Options of `createRedisRevocations`.
 *
 * @example
 * ```ts
 * createRedisRevocations({ redis, channel: 'myapp:revocations' });
 * ```
 */
export interface RedisRevocationsOptions {
  redis: RedisPubSub;
  /** The pub/sub channel. Default `'authsocket:revocations'`. */
  channel?: string;
}

/** {@link Revocations} over Redis, with `ready`: settled once the subscription is. */
export interface RedisRevocations extends Revocations {
  /** Resolves once `subscribe` did (rejects if it failed): await it before serving. */
  readonly ready: Promise<void>;
}

/**
 * Shares `gate.revoke()` between gate instances through Redis pub/sub. It
 * subscribes once, at creation; every gate given it (`revocations` option)
 * then closes its sockets of a revoked user within the pub/sub latency.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createAuthGate, createRedisRevocations } from 'authsocket/server';
 *
 * const pub = await createClient({ url: process.env.REDIS_URL }).connect();
 * const sub = await pub.duplicate().connect();
 * const revocations = createRedisRevocations({
 *   redis: {
 *     publish: (channel, message) => pub.publish(channel, message),
 *     subscribe: (channel, onMessage) => sub.subscribe(channel, (message) => onMessage(message)),
 *   },
 * });
 * await revocations.ready;
 * const gate = createAuthGate({ origins, verify, revocations });
 * // on logout-everywhere, on any instance:
 * await gate.revoke(userId);   // every instance closes that user's sockets with 4403
 * ```
 */
export function createRedisRevocations(options: RedisRevocationsOptions): RedisRevocations {
  const { redis, channel = 'authsocket:revocations' } = options ?? ({} as RedisRevocationsOptions);
  if (typeof redis?.publish !== 'function' || typeof redis?.subscribe !== 'function') {
    throw new TypeError('createRedisRevocations: `redis.publish(channel, message)` and `redis.subscribe(channel, onMessage)` are required');
  }
  if (typeof channel !== 'string' || channel === '') throw new TypeError('createRedisRevocations: `channel` must be a non-empty string');

  const listeners = new Set<(message: string) => void>();
  const fanOut = (message: unknown) => {
    // Clients hand over strings or Buffers; the gate checks the content.
    const text = Buffer.isBuffer(message) ? message.toString('utf8') : String(message);
    for (const listener of [...listeners]) listener(text);
  };
  const ready = Promise.resolve().then(() => redis.subscribe(channel, fanOut)).then(() => undefined);
  ready.catch(() => {}); // reported to whoever awaits `ready`, never as an unhandled rejection

  return {
    ready,
    publish: (message) => redis.publish(channel, message),
    subscribe(onMessage) {
      listeners.add(onMessage);
      return () => void listeners.delete(onMessage);
    },
  };
}
