// The one typed event emitter of the client and the server. A listener that
// throws never breaks the code that emitted: by default its error is rethrown
// asynchronously (the host reports it as uncaught), or handed to the
// emitter's `onListenerError`, for an owner that has a better place for it
// (the server gate reports it on its `error` event). This module imports
// nothing of the project.

/** Listener signatures by event name, e.g. `{ open: (event: OpenEvent) => void }`. */
export type ListenerMap<Events> = { [E in keyof Events]: (...args: any[]) => void };

/** The listener map of events that carry one payload each: `{ open: OpenEvent }` → `{ open: (payload: OpenEvent) => void }`. */
export type PayloadListeners<Payloads> = { [E in keyof Payloads]: (payload: Payloads[E]) => void };

/** What to do with a listener's exception instead of rethrowing it asynchronously. */
export type ListenerErrorHandler<Events> = <E extends keyof Events>(error: unknown, event: E, args: unknown[]) => void;

/**
 * A small typed event emitter.
 *
 * @example
 * ```ts
 * const events = new Emitter<{ open: (attempt: number) => void }>();
 * const off = events.on('open', (attempt) => console.log('open', attempt));
 * events.emit('open', 1);
 * off();
 * ```
 */
export class Emitter<Events extends ListenerMap<Events>> {
  readonly #listeners = new Map<keyof Events, Array<Events[keyof Events]>>();
  readonly #onListenerError: ListenerErrorHandler<Events>;

  constructor(options: { onListenerError?: ListenerErrorHandler<Events> } = {}) {
    this.#onListenerError = options.onListenerError ?? rethrowAsynchronously;
  }

  /** Adds `listener`; returns the function that removes it again. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    const list = this.#listeners.get(event) ?? [];
    // A new array: an emit in progress keeps iterating the list it started with.
    this.#listeners.set(event, [...list, listener]);
    return () => this.off(event, listener);
  }

  /** Adds `listener` for the next `event` only. */
  once<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    const off = this.on(event, ((...args: unknown[]) => {
      off();
      (listener as (...a: unknown[]) => void)(...args);
    }) as Events[E]);
    return off;
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    const list = this.#listeners.get(event);
    if (list) this.#listeners.set(event, list.filter((candidate) => candidate !== listener));
  }

  /** Calls every listener of `event` in the order added; a throwing one does not stop the others. */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        this.#onListenerError(error, event, args);
      }
    }
  }

  /** Whether `event` has a listener. */
  has(event: keyof Events): boolean {
    return (this.#listeners.get(event)?.length ?? 0) > 0;
  }
}

function rethrowAsynchronously(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
