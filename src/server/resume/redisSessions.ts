// Sessions shared by gate instances through Redis, so that a client's session
// continues on whichever instance its next connection reaches. The same
// small-adapter style as the Redis ticket store and revocations: no Redis
// client is bundled.
//
// Layout, per session (`<p>` is the prefix):
//   <p><id>          hash: key (the user key), owner (the serving store's id),
//                    received (app frames the gate received), acked (the
//                    client's last acknowledgement)
//   <p><id>:frames   stream: the sent frames not yet acknowledged, entry id
//                    `<n>-0` for frame n, field `t` (text) or `b` (base64
//                    bytes); trimmed to `maxBuffered` entries (MAXLEN) and up
//                    to the acknowledgement (MINID)
// Both keys expire `window` ms after the serving instance last refreshed them
// (it does every window/3 while it has the session). Moving a session: the
// taking instance publishes `<id> <its id>` on `<p>move:<owner>`; the owner
// closes the old connection, and publishes `<id>` on `<p>moved:<taker>` on the
// connection its writes went through, so everything it recorded is in Redis
// before the taker reads it.
import { invalidOption } from '../core/errors.ts';
import type { RedisCommands } from '../redisTicketStore.ts';
import type { SessionLimits, SessionOwner, SessionState, SessionStore } from './store.ts';

/**
 * What the sessions need from your Redis client: `command` (any command, its
 * reply; writes go through it in call order) and `subscribe`, on a connection
 * of its own (a subscribed connection accepts no other command).
 *
 * @example
 * ```ts
 * // node-redis 4+
 * const client = await createClient({ url }).connect();
 * const subscriber = await client.duplicate().connect();
 * const redis: RedisSessionsClient = {
 *   command: (args) => client.sendCommand(args),
 *   subscribe: (channel, onMessage) => subscriber.subscribe(channel, (message) => onMessage(message)),
 *   onError: (report) => { client.on('error', report); subscriber.on('error', report); },
 * };
 * // ioredis
 * const client = new Redis(url), subscriber = new Redis(url);
 * const redis: RedisSessionsClient = {
 *   command: ([name, ...rest]) => client.call(name, ...rest),
 *   subscribe: (channel, onMessage) => {
 *     subscriber.on('message', (from, message) => from === channel && onMessage(message));
 *     return subscriber.subscribe(channel);
 *   },
 *   onError: (report) => { client.on('error', report); subscriber.on('error', report); },
 * };
 * ```
 */
export interface RedisSessionsClient extends RedisCommands {
  /** Subscribes `onMessage` to `channel`; may return a promise that settles once subscribed. */
  subscribe(channel: string, onMessage: (message: string) => void): unknown;
  /** Hands your clients' `error` events to the store, which reports them (a Redis restart would otherwise end the process). */
  onError?(report: (error: unknown) => void): void;
}

/**
 * Options of `createRedisSessions`.
 *
 * @example
 * ```ts
 * createRedisSessions({ redis, prefix: 'myapp:session:' });
 * ```
 */
export interface RedisSessionsOptions {
  redis: RedisSessionsClient;
  /** Key and channel prefix. Default `'authsocket:session:'`. */
  prefix?: string;
  /** How long a taking instance waits for the previous one to hand a session over (ms). Default `1000`. */
  handOver?: number;
  /** Errors of the fire-and-forget writes and of your Redis clients. Default: dropped. */
  onError?(error: unknown): void;
}

/** The store, with `ready`: settled once the subscription is. */
export interface RedisSessions extends SessionStore {
  /** Resolves once `subscribe` did (rejects if it failed): await it before serving. */
  readonly ready: Promise<void>;
  /** Stops refreshing this instance's sessions (they expire after `window`). */
  close(): void;
}

/**
 * A {@link SessionStore} in Redis, for gate instances behind a load balancer:
 * a session continues on any instance sharing the Redis, moving there from
 * the one that served it. Needs Redis ≥ 6.2 (XTRIM MINID).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createAuthGate, createRedisSessions } from 'authsocket/server';
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const subscriber = await client.duplicate().connect();
 * const store = createRedisSessions({
 *   redis: {
 *     command: (args) => client.sendCommand(args),
 *     subscribe: (channel, onMessage) => subscriber.subscribe(channel, (message) => onMessage(message)),
 *   },
 * });
 * await store.ready;
 * const gate = createAuthGate({ origins, verify, resume: { store } });
 * ```
 */
export function createRedisSessions(options: RedisSessionsOptions): RedisSessions {
  const { redis, prefix = 'authsocket:session:', handOver = 1_000, onError = () => {} } = options ?? ({} as RedisSessionsOptions);
  if (typeof redis?.command !== 'function' || typeof redis?.subscribe !== 'function') {
    throw invalidOption('`redis.command(args)` and `redis.subscribe(channel, onMessage)` are required', 'createRedisSessions');
  }
  if (typeof prefix !== 'string' || prefix === '') throw invalidOption('`prefix` must be a non-empty string', 'createRedisSessions');
  if (!(Number.isFinite(handOver) && handOver > 0)) throw invalidOption('`handOver` must be a positive number of ms', 'createRedisSessions');
  redis.onError?.(onError);

  const self = newStoreId();
  const hash = (id: string) => `${prefix}${id}`;
  const stream = (id: string) => `${prefix}${id}:frames`;
  /** Sessions this store's gates serve: refreshed, and released when another instance takes them. */
  const owned = new Map<string, { owner: SessionOwner; limits: SessionLimits; streamExpires?: boolean }>();
  const handedOver = new Map<string, () => void>();
  // Issued at once (not on a later tick), so that writes keep their order with the app's own commands on the same client.
  const write = (args: string[]) => {
    try {
      Promise.resolve(redis.command(args)).catch(onError);
    } catch (error) {
      onError(error);
    }
  };

  const release = (id: string) => {
    owned.get(id)?.owner.release(id);
    owned.delete(id);
  };
  const ready = Promise.all([
    // Another instance takes a session of ours: hand it over, then say so on the writes' connection (after them).
    redis.subscribe(`${prefix}move:${self}`, (message) => {
      const [id, taker] = String(message).split(' ');
      if (!id || !taker) return;
      release(id);
      write(['PUBLISH', `${prefix}moved:${taker}`, id]);
    }),
    redis.subscribe(`${prefix}moved:${self}`, (message) => handedOver.get(String(message))?.()),
  ]).then(() => undefined);
  ready.catch(() => {}); // reported to whoever awaits `ready`

  // Keys live `window` after the last refresh; the serving instance refreshes them every window/3.
  let refreshEvery = Infinity;
  let refresher: ReturnType<typeof setInterval> | undefined;
  const refreshAll = () => {
    for (const [id, { limits }] of owned) {
      write(['PEXPIRE', hash(id), String(limits.window)]);
      write(['PEXPIRE', stream(id), String(limits.window)]);
    }
  };
  const own = (id: string, owner: SessionOwner, limits: SessionLimits) => {
    owned.set(id, { owner, limits });
    if (limits.window / 3 < refreshEvery) {
      refreshEvery = limits.window / 3;
      clearInterval(refresher);
      refresher = setInterval(refreshAll, refreshEvery);
      (refresher as { unref?: () => void }).unref?.();
    }
  };

  /** Waits (bounded) until the previous owner handed `id` over. */
  const takeFrom = async (id: string, previous: string | undefined) => {
    if (previous === undefined) return;
    if (previous === self) return release(id);
    await ready;
    let done!: () => void;
    const handed = new Promise<void>((resolve) => (done = resolve));
    handedOver.set(id, done);
    const timer = setTimeout(done, handOver);
    try {
      // 0 receivers: that instance is gone; what it recorded is all there is.
      const receivers = await redis.command(['PUBLISH', `${prefix}move:${previous}`, `${id} ${self}`]);
      if (receivers !== 0) await handed;
    } finally {
      clearTimeout(timer);
      handedOver.delete(id);
    }
  };

  return {
    ready,
    create(id, key, owner, limits) {
      own(id, owner, limits);
      write(['HSET', hash(id), 'key', key, 'owner', self, 'received', '0', 'acked', '0']);
      write(['PEXPIRE', hash(id), String(limits.window)]);
    },

    async take(id, key, owner, limits): Promise<SessionState | undefined> {
      const fields = toRecord(await redis.command(['HGETALL', hash(id)]));
      if (fields.key !== key) return undefined;
      await takeFrom(id, fields.owner);
      own(id, owner, limits);
      write(['HSET', hash(id), 'owner', self]);
      const [[received, acked], entries] = await Promise.all([
        redis.command(['HMGET', hash(id), 'received', 'acked']) as Promise<[string | null, string | null]>,
        redis.command(['XRANGE', stream(id), '-', '+']) as Promise<Array<[string, string[]]> | null>,
      ]);
      if (received === null) return void owned.delete(id); // ended meanwhile
      const kept = (entries ?? []).map(([, [field, value]]) => toFrame(field!, value!));
      const last = entries?.length ? Number(entries.at(-1)![0].split('-')[0]) : Number(acked);
      return { received: Number(received), sent: Math.max(last, Number(acked)), kept };
    },

    sent(id, n, frame) {
      const limits = owned.get(id)?.limits;
      if (!limits) return;
      const [field, value] = typeof frame === 'string' ? ['t', frame] : ['b', bytesToBase64(frame)];
      write(['XADD', stream(id), 'MAXLEN', String(limits.maxBuffered), `${n}-0`, field, value]);
      // XADD may create the stream: it expires from its first frame here, not only at the next refresh.
      const entry = owned.get(id)!;
      if (!entry.streamExpires) {
        entry.streamExpires = true;
        write(['PEXPIRE', stream(id), String(limits.window)]);
      }
    },

    received(id, n) {
      if (owned.has(id)) write(['HSET', hash(id), 'received', String(n)]);
    },

    acknowledged(id, n) {
      if (!owned.has(id)) return;
      write(['XTRIM', stream(id), 'MINID', `${n + 1}-0`]);
      write(['HSET', hash(id), 'acked', String(n)]);
    },

    suspended() {},

    end(id) {
      if (!owned.delete(id)) return;
      write(['DEL', hash(id), stream(id)]);
    },

    detach(owner) {
      for (const [id, entry] of owned) if (entry.owner === owner) owned.delete(id);
    },

    close() {
      clearInterval(refresher);
      owned.clear();
    },
  };
}

/** HGETALL's reply (a flat array, or a map with RESP3 clients) as a record. */
function toRecord(reply: unknown): Record<string, string> {
  if (Array.isArray(reply)) {
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) record[String(reply[i])] = String(reply[i + 1]);
    return record;
  }
  return reply && typeof reply === 'object' ? Object.fromEntries(Object.entries(reply).map(([k, v]) => [k, String(v)])) : {};
}

function toFrame(field: string, value: string): string | Uint8Array {
  return field === 'b' ? Uint8Array.from(atob(value), (char) => char.charCodeAt(0)) : value;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function newStoreId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
