import type { Emitter } from './emitter.ts';

/**
 * Events leave only once the client's state has settled. A transition (a
 * socket event, a timer, a public method) runs inside {@link Outbox.transition};
 * what it emits waits until it has finished, then goes out in order. A
 * listener that calls back into the client (`close()` in an `error`
 * listener) starts a transition of its own on a settled client, and its
 * events follow the ones already waiting. So no code after an emit has to
 * ask whether a listener changed everything meanwhile.
 */
export class Outbox<Events> {
  readonly #emitter: Emitter<Events>;
  readonly #waiting: Array<() => void> = [];
  /** Transitions running (they nest: a method calling another). */
  #depth = 0;
  #sending = false;

  constructor(emitter: Emitter<Events>) {
    this.#emitter = emitter;
  }

  on<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): () => void {
    return this.#emitter.on(type, listener);
  }

  off<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): void {
    this.#emitter.off(type, listener);
  }

  /** Emits now when no transition runs, else once the outermost one has finished. */
  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    this.#waiting.push(() => this.#emitter.emit(type, payload));
    this.#send();
  }

  /** Runs `task` after the events emitted so far have gone out (and their listeners ran). */
  then(task: () => void): void {
    this.#waiting.push(task);
    this.#send();
  }

  /** Runs `transition`, then sends what it emitted. */
  transition<T>(transition: () => T): T {
    this.#depth += 1;
    try {
      return transition();
    } finally {
      this.#depth -= 1;
      this.#send();
    }
  }

  #send(): void {
    if (this.#depth > 0 || this.#sending) return;
    this.#sending = true;
    try {
      while (this.#waiting.length > 0) this.#waiting.shift()!();
    } finally {
      this.#sending = false;
    }
  }
}
