// The listener registry of the session socket, shaped as the `ws` socket's
// (`on`, `once`, `off` return the socket) without Node's `events`, so that
// the session socket runs on every runtime the gate core does. A listener
// that throws does not stop the others; its error is rethrown asynchronously
// (as an uncaught exception), and `error` without a listener is dropped
// rather than thrown.

export class SessionEvents {
  readonly #listeners = new Map<string, Array<(...args: any[]) => void>>();

  /** Adds a listener: `message` (data, isBinary), `close` (code, reason), `error`, `suspended`, `resumed`. */
  on(event: string, listener: (...args: any[]) => void): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  addListener(event: string, listener: (...args: any[]) => void): this {
    return this.on(event, listener);
  }

  /** Adds a listener for the next `event` only. */
  once(event: string, listener: (...args: any[]) => void): this {
    const once = (...args: unknown[]) => {
      this.off(event, once);
      listener(...args);
    };
    return this.on(event, once);
  }

  off(event: string, listener: (...args: any[]) => void): this {
    const list = this.#listeners.get(event);
    if (list) this.#listeners.set(event, list.filter((candidate) => candidate !== listener));
    return this;
  }

  removeListener(event: string, listener: (...args: any[]) => void): this {
    return this.off(event, listener);
  }

  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** @internal */
  protected emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
