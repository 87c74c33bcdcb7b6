import { invalid } from '../errors/AuthSocketError.ts';
import type { HeartbeatOptions } from '../types.ts';
import { hasType } from './codec.ts';
import { featureValue } from './features.ts';

/** One connection's heartbeat, as the core drives it. */
export interface Heartbeat {
  /** Pings now and starts the deadline unless one is running. */
  check(): void;
  /** Any incoming frame proves the link is alive. */
  alive(): void;
  stop(): void;
}

/**
 * Dead-connection detection: sends a ping every `interval` and reports a dead
 * link when no frame at all arrives within `timeout` after a ping. Pinging
 * starts at once and ends with `stop()` or the dead link. A closure, not a
 * class: its methods need no `this`, and it minifies smaller.
 */
export function createHeartbeat(interval: number, timeout: number, sendPing: () => void, onDead: () => void): Heartbeat {
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  const heartbeat: Heartbeat = {
    check() {
      sendPing();
      deadlineTimer ??= setTimeout(() => {
        heartbeat.stop();
        onDead();
      }, timeout);
    },
    alive() {
      clearTimeout(deadlineTimer);
      deadlineTimer = undefined;
    },
    stop() {
      clearInterval(pingTimer);
      heartbeat.alive();
    },
  };
  const pingTimer = setInterval(heartbeat.check, interval);
  return heartbeat;
}

/** `options.heartbeat`, checked: interval and timeout in ms > 0. */
export function checkHeartbeat(heartbeat: HeartbeatOptions<any, any>): void {
  if (!(heartbeat.interval > 0) || !(heartbeat.timeout > 0)) {
    throw invalid(process.env.NODE_ENV !== 'production' ? 'heartbeat: give interval and timeout in ms > 0' : 'heartbeat');
  }
}

/** A checked `options.heartbeat`, ready to start on each connection. */
export interface HeartbeatRunner {
  timeout: number;
  /** A started heartbeat that pings with `send` and calls `onDead` when no frame answers in time. */
  startHeartbeat(send: (ping: unknown) => void, onDead: () => void): Heartbeat;
  /** Whether `msg` answers a ping (pongs are not delivered). */
  isHeartbeatPong(msg: unknown): boolean;
}

/**
 * `heartbeat` as a value (src/core/features.ts): checks the options once.
 * @example
 * ```ts
 * new AuthSocket(url, { auth, heartbeat: heartbeat({ interval: 20_000, timeout: 5_000 }) }); // authsocket/lite
 * ```
 */
export function heartbeatFeature<In = unknown, Out = In>(options: HeartbeatOptions<In, Out>): HeartbeatRunner {
  checkHeartbeat(options);
  return featureValue({
    timeout: options.timeout,
    startHeartbeat(send, onDead) {
      // The ping: `options.ping()`, by default the text `{"type":"ping"}`.
      return createHeartbeat(options.interval, options.timeout, () => send(options.ping ? options.ping() : '{"type":"ping"}'), onDead);
    },
    // `options.isPong`, by default `msg.type === 'pong'`.
    isHeartbeatPong: (msg) => (options.isPong ? options.isPong(msg as In) : hasType(msg, 'pong')),
  });
}
