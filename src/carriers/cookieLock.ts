import { holdLock, webLocks } from '../utils/webLock.ts';

/**
 * Serialises cookie-carrier attempts that use one cookie name across the pages
 * of the browser profile (the cookie jar is shared, so two tabs writing the same
 * cookie at once would send each other's credential). Held from the cookie write
 * to its removal, at most `limit` ms (the attempt's connection timeout). Without
 * Web Locks, `acquire` is undefined and attempts are not serialised.
 */
export function cookieLock(name: string, limit: number): { acquire?: (() => Promise<void>) | undefined; release(): void } {
  const locks = webLocks();
  const held: Array<() => void> = [];
  return {
    acquire: locks && (() => new Promise<void>((resolve) => {
      const giveUp = holdLock(locks, `authsocket:cookie:${name}`, () => {
        const timer = setTimeout(giveUp, limit);
        held.push(() => {
          clearTimeout(timer);
          giveUp();
        });
        resolve();
      });
    })),
    release: () => {
      for (const giveUp of held.splice(0)) giveUp();
    },
  };
}
