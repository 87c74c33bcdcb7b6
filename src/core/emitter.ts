/** A tiny typed event emitter. A throwing listener cannot break the client: its error is rethrown asynchronously. */
export class Emitter<Events> {
  #listeners: { [K in keyof Events]?: Array<(payload: Events[K]) => void> } = {};

  on<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): () => void {
    (this.#listeners[type] ??= []).push(listener);
    return () => this.off(type, listener);
  }

  off<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): void {
    this.#listeners[type] = this.#listeners[type]?.filter((candidate) => candidate !== listener);
  }

  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    for (const listener of this.#listeners[type] ?? []) {
      try {
        listener(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
