import { invalid } from '../errors/AuthSocketError.ts';
import type { HeartbeatOptions } from '../types.ts';
import { hasType } from './codec.ts';

/**
 * Dead-connection detection: sends a ping every `interval` and reports a dead
 * link when no frame at all arrives within `timeout` after a ping.
 */
export class Heartbeat {
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #interval: number;
  readonly #timeout: number;
  readonly #sendPing: () => void;
  readonly #onDead: () => void;

  constructor(interval: number, timeout: number, sendPing: () => void, onDead: () => void) {
    this.#interval = interval;
    this.#timeout = timeout;
    this.#sendPing = sendPing;
    this.#onDead = onDead;
  }

  start(): void {
    this.stop();
    this.#pingTimer = setInterval(() => this.check(), this.#interval);
  }

  /** Pings now and starts the deadline unless one is running. */
  check(): void {
    this.#sendPing();
    this.#deadlineTimer ??= setTimeout(() => {
      this.stop();
      this.#onDead();
    }, this.#timeout);
  }

  /** Any incoming frame proves the link is alive. */
  alive(): void {
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
  }

  stop(): void {
    clearInterval(this.#pingTimer);
    this.alive();
    this.#pingTimer = undefined;
  }
}

/** Whether `msg` is the server's answer to a ping: `options.isPong`, by default `msg.type === 'pong'`. Pongs are not delivered. */
export const isPong = (options: HeartbeatOptions<any, any>, msg: unknown): boolean =>
  options.isPong ? options.isPong(msg) : hasType(msg, 'pong');

/** The ping to send: `options.ping()`, by default the text `{"type":"ping"}`. */
export const pingOf = (options: HeartbeatOptions<any, any>): unknown => (options.ping ? options.ping() : '{"type":"ping"}');

/** `options.heartbeat`, checked: interval and timeout in ms > 0. */
export function checkHeartbeat(heartbeat: HeartbeatOptions<any, any>): void {
  if (!(heartbeat.interval > 0) || !(heartbeat.timeout > 0)) {
    throw invalid('heartbeat: give interval and timeout in ms > 0');
  }
}

/** A checked `options.heartbeat`, ready to start on each connection. */
export interface HeartbeatRunner {
  timeout: number;
  /** A started heartbeat that pings with `send` and calls `onDead` when no frame answers in time. */
  startHeartbeat(send: (ping: unknown) => void, onDead: () => void): Heartbeat;
  isHeartbeatPong(msg: unknown): boolean;
}

/** The heartbeat as a feature the core plugs in (src/core/features.ts): checks the options once. */
export function heartbeatFeature(options: HeartbeatOptions<any, any>): HeartbeatRunner {
  checkHeartbeat(options);
  return {
    timeout: options.timeout,
    startHeartbeat(send, onDead) {
      const heartbeat = new Heartbeat(options.interval, options.timeout, () => send(pingOf(options)), onDead);
      heartbeat.start();
      return heartbeat;
    },
    isHeartbeatPong: (msg) => isPong(options, msg),
  };
}
