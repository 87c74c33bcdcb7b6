/** The page's Web Locks (current browsers, secure contexts), or `undefined` (old browsers, Node). */
export const webLocks = (): LockManager | undefined => (globalThis as { navigator?: Navigator }).navigator?.locks;

/**
 * Asks for the exclusive Web Lock `name` of this origin; `granted` runs once it
 * is held. The returned function gives the lock up, or stops waiting for it.
 * The browser also releases it when the page goes away (closed, navigated, crashed).
 */
export function holdLock(locks: LockManager, name: string, granted: () => void): () => void {
  const abort = new AbortController();
  let release = () => abort.abort();
  locks
    .request(name, { signal: abort.signal }, () => new Promise<void>((resolve) => {
      release = resolve;
      granted();
    }))
    .catch(() => {}); // aborted while waiting
  return () => release();
}
