// Revocations over Redis pub/sub, for several gate instances behind a load
// balancer: `revoke()` on one instance closes the user's sockets on all of
// them. Same small-adapter style as the Redis ticket store: no client bundled.
import type { Revocations } from './revocations.ts';
import { invalidOption } from './core/errors.ts';

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
 *   onError: (report) => { pub.on('error', report); sub.on('error', report); },
 * };
 * // ioredis: likewise two connections
 * const pub = new Redis(url), sub = new Redis(url);
 * const redis: RedisPubSub = {
 *   publish: (channel, message) => pub.publish(channel, message),
 *   subscribe: (channel, onMessage) => {
 *     sub.on('message', (from, message) => from === channel && onMessage(message));
 *     return sub.subscribe(channel);
 *   },
 *   onError: (report) => { pub.on('error', report); sub.on('error', report); },
 * };
 * ```
 */
export interface RedisPubSub {
  /** Resolves with the number of subscribers that received the message (what PUBLISH answers). */
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string, onMessage: (message: string) => void): unknown;
  /**
   * Hands your Redis clients' `error` events to the adapter, which reports
   * them on the gate's `error` event. Give it: a Redis client emits `error`
   * when its connection drops (Redis restarting), and an `error` event
   * without a listener ends the Node process.
   */
  onError?(report: (error: unknown) => void): void;
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
  /**
   * How long a PUBLISH may take before `revoke()` rejects (ms). Default
   * `5000`. Redis clients queue commands while disconnected: without a bound,
   * `revoke()` would hang for as long as Redis is down.
   */
  timeout?: number;
}

/** `revoke()` could not share the revocation with the other instances (its local sockets are closed anyway). */
export class RevocationNotShared extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RevocationNotShared';
  }
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
 * `revoke()` rejects with {@link RevocationNotShared} when the message reached
 * no subscriber (PUBLISH answered 0: not even this instance's own, e.g.
 * while the subscription is being restored) or Redis did not answer within
 * `timeout`. With `onError` given, the adapter survives Redis restarting
 * (your client reconnects and subscribes again) and says so on `error`.
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
 *     // Reported on the gate's `error` event; without a listener a Redis restart ends the process.
 *     onError: (report) => { pub.on('error', report); sub.on('error', report); },
 *   },
 * });
 * await revocations.ready;
 * const gate = createAuthGate({ origins, verify, revocations });
 * // on logout-everywhere, on any instance:
 * await gate.revoke(userId);   // every instance closes that user's sockets with 4403
 * ```
 */
export function createRedisRevocations(options: RedisRevocationsOptions): RedisRevocations {
  const { redis, channel = 'authsocket:revocations', timeout = 5_000 } = options ?? ({} as RedisRevocationsOptions);
  if (typeof redis?.publish !== 'function' || typeof redis?.subscribe !== 'function') {
    throw invalidOption('`redis.publish(channel, message)` and `redis.subscribe(channel, onMessage)` are required', 'createRedisRevocations');
  }
  if (typeof channel !== 'string' || channel === '') throw invalidOption('`channel` must be a non-empty string', 'createRedisRevocations');
  if (!(Number.isFinite(timeout) && timeout > 0)) throw invalidOption('`timeout` must be a positive number of ms', 'createRedisRevocations');
  if (redis.onError !== undefined && typeof redis.onError !== 'function') throw invalidOption('`redis.onError` must be a function', 'createRedisRevocations');

  const errorListeners = new Set<(error: unknown) => void>();
  redis.onError?.((error) => { for (const listener of [...errorListeners]) listener(error); });

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
    publish: (message) => publishShared(redis, channel, message, timeout),
    subscribe(onMessage) {
      listeners.add(onMessage);
      return () => void listeners.delete(onMessage);
    },
    onError(listener) {
      errorListeners.add(listener);
      return () => void errorListeners.delete(listener);
    },
  };
}

/** PUBLISH, bounded by `ms`; rejects unless at least one subscriber received the message. */
async function publishShared(redis: RedisPubSub, channel: string, message: string, ms: number): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RevocationNotShared(`revocation not shared: Redis did not answer PUBLISH within ${ms} ms`)), ms);
  });
  try {
    const receivers = await Promise.race([
      Promise.resolve().then(() => redis.publish(channel, message)).catch((error: unknown) => {
        throw new RevocationNotShared('revocation not shared: PUBLISH failed', { cause: error });
      }),
      late,
    ]);
    // Every instance subscribes, this one included: 0 means the message reached nobody.
    if (typeof receivers === 'number' && receivers < 1) throw new RevocationNotShared('revocation not shared: no instance is subscribed (PUBLISH reached 0 subscribers)');
    return typeof receivers === 'number' ? receivers : 1;
  } finally {
    clearTimeout(timer);
  }
}
