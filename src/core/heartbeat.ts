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
