/**
 * Resolves after `ms` (never when `ms` is undefined), on the `event` of
 * `target` when given, or at once when `signal` aborts or `wake()` is called on
 * the returned handle. Never rejects, so callers only check their own state.
 * The backoff waits with `ms`; the offline wait with `window`'s `online`.
 */
export function wait(ms: number | undefined, signal: AbortSignal, target?: EventTarget, event = ''): { done: Promise<void>; wake(): void } {
  let wake = () => {};
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      target?.removeEventListener(event, finish);
      resolve();
    };
    const timer = ms === undefined ? undefined : setTimeout(finish, ms);
    signal.addEventListener('abort', finish);
    target?.addEventListener(event, finish);
    if (signal.aborted) finish();
    wake = finish;
  });
  return { done, wake };
}
