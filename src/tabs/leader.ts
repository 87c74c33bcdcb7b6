import { holdLock } from '../utils/webLock.ts';

/**
 * Campaigns for the leadership of one tab group: waits for the group's Web Lock
 * and calls `onLead` once it is held. The lock lives as long as the leader does:
 * when its page goes away (closed, navigated, crashed) the browser releases it
 * and the next waiting instance leads. Returns `resign`: give up the lock, or
 * stop waiting for it.
 */
export function campaign(locks: LockManager, group: string, onLead: () => void): () => void {
  return holdLock(locks, `${group}:leader`, onLead);
}
