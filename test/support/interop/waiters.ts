// Event-driven, bounded waits for the interop harnesses: each server calls
// `notify()` when something changed, and `waitFor` re-checks its condition then.
export class Waiters {
  #checks = new Set<() => void>();

  notify(): void {
    for (const check of [...this.#checks]) check();
  }

  waitFor(condition: () => boolean, what: string, ms = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#checks.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#checks.delete(check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.#checks.add(check);
    });
  }
}
