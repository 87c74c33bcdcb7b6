// The gate's sockets by user key, for `revoke()`. Kept small per socket: a
// user with one socket (the common case) costs one map entry, no Set; and
// the type a key came from is only remembered for number keys (rare), so
// that number 1 and string '1' are never taken for one user.

/** `Socket` is whatever the gate tracks per connection (the core's per-socket record). */
export interface UserSockets<Socket extends object> {
  add(key: string, fromNumber: boolean, ws: Socket): void;
  remove(key: string, ws: Socket): void;
  /** The sockets of `key`, as a copy. */
  of(key: string): Socket[];
  /** Whether `key` is held by sockets of a user whose key came from the other type (number vs string). */
  clashes(key: string, fromNumber: boolean): boolean;
}

export function createUserSockets<Socket extends object>(): UserSockets<Socket> {
  const byKey = new Map<string, Socket | Set<Socket>>();
  const numberKeys = new Set<string>();
  return {
    add(key, fromNumber, ws) {
      const held = byKey.get(key);
      if (held === undefined) {
        byKey.set(key, ws);
        if (fromNumber) numberKeys.add(key);
      } else if (held instanceof Set) held.add(ws);
      else if (held !== ws) byKey.set(key, new Set([held, ws]));
    },
    remove(key, ws) {
      const held = byKey.get(key);
      if (held instanceof Set) {
        held.delete(ws);
        if (held.size > 0) return;
      } else if (held !== ws) return;
      byKey.delete(key);
      numberKeys.delete(key);
    },
    of(key) {
      const held = byKey.get(key);
      return held === undefined ? [] : held instanceof Set ? [...held] : [held];
    },
    clashes(key, fromNumber) {
      return byKey.has(key) && numberKeys.has(key) !== fromNumber;
    },
  };
}
