/**
 * Resolves after `ms`, or at once when `signal` aborts or `wake()` is called on
 * the returned handle. Never rejects, so callers only check their own state.
 */
export function wait(ms: number, signal: AbortSignal): { done: Promise<void>; wake(): void } {
  let wake = () => {};
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish);
    if (signal.aborted) finish();
    wake = finish;
  });
  return { done, wake };
}
