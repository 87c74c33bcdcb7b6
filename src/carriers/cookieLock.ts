import { holdLock, webLocks } from '../utils/webLock.ts';

/**
 * Serialises cookie-carrier attempts that use one cookie name across the pages
 * of the browser profile (the cookie jar is shared, so two tabs writing the same
 * cookie at once would send each other's credential). Held from the cookie write
 * to its removal, at most `limit` ms (the attempt's connection timeout).
 * `acquire` resolves with the function that gives this hold up. Without Web
 * Locks it resolves at once and attempts are not serialised.
 */
export function cookieLock(name: string, limit: number): { acquire(): Promise<() => void> } {
  const locks = webLocks();
  return {
    acquire: () => new Promise<() => void>((resolve) => {
      if (!locks) return resolve(() => {});
      const giveUp = holdLock(locks, `authsocket:cookie:${name}`, () => {
        const timer = setTimeout(giveUp, limit);
        resolve(() => {
          clearTimeout(timer);
          giveUp();
        });
      });
    }),
  };
}
