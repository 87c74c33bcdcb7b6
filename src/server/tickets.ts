// Single-use tickets: a short-lived random string the page fetches over your
// normal authenticated HTTP API and hands to the socket. A ticket in a URL or a
// proxy log is worthless once used or after `ttl`.
import { isTicket, newTicket, ticketKey } from './ticketFormat.ts';
import { invalidOption } from './core/errors.ts';

/**
 * Where tickets live. Implement it over a shared store (see
 * `createRedisTicketStore`) to run several server instances.
 *
 * @example
 * ```ts
 * const tickets: TicketStore<string> = createTicketStore({ ttl: 30_000 });
 * const ticket = await tickets.issue('user-42');
 * await tickets.redeem(ticket); // 'user-42'
 * await tickets.redeem(ticket); // null
 * ```
 */
export interface TicketStore<Subject = string> {
  /** A new ticket for `subject`, valid once, for the store's `ttl`. */
  issue(subject: Subject): Promise<string>;
  /** The ticket's subject the first time, `null` after that, when expired, or for junk. */
  redeem(ticket: string): Promise<Subject | null>;
}

/**
 * Options of `createTicketStore`.
 *
 * @example
 * ```ts
 * createTicketStore({ ttl: 30_000 });
 * ```
 */
export interface TicketStoreOptions {
  /** Milliseconds a ticket stays valid. Keep it short: seconds, not minutes. */
  ttl: number;
  /** Clock in ms, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry<Subject> {
  subject: Subject;
  expiresAt: number;
}

// Entries a sweep looks at per `issue()`/`redeem()`: more than the one an
// `issue()` adds, so expired tickets go at least as fast as new ones come.
const SWEEP_BATCH = 4;

/**
 * An in-memory {@link TicketStore}: for one server process. Tickets are 32
 * random bytes (base64url), single use, and expire after `ttl` ms.
 *
 * @example
 * ```ts
 * const tickets = createTicketStore<string>({ ttl: 30_000 });
 *
 * // behind your normal HTTP auth:
 * app.post('/ws-ticket', requireLogin, async (req, res) => {
 *   res.json({ ticket: await tickets.issue(req.user.id) });
 * });
 *
 * // in the gate:
 * createAuthGate({ origins, verify: (ticket) => tickets.redeem(ticket) });
 * ```
 */
export function createTicketStore<Subject = string>(options: TicketStoreOptions): TicketStore<Subject> {
  const { ttl, now = Date.now } = options ?? ({} as TicketStoreOptions);
  if (!(Number.isFinite(ttl) && ttl > 0)) throw invalidOption('`ttl` must be a positive number of ms', 'createTicketStore');
  const entries = new Map<string, Entry<Subject>>();

  // Unredeemed tickets would pile up. A Map iterates in insertion order, and
  // with one `ttl` that is expiry order too, so the expired ones are at the
  // front: each call looks at a few entries from there, and never walks the
  // whole map (at 1M tickets that blocked the event loop for 640 ms). Looking
  // at more entries per call than it adds drains any backlog; no timer keeps
  // the process alive. The cursor is kept across calls because a fresh
  // iterator would have to skip every deleted slot at the front again.
  let cursor: Iterator<[string, Entry<Subject>]> | undefined;
  let head: [string, Entry<Subject>] | undefined; // read from the cursor, not yet expired
  function sweep(time: number): void {
    for (let examined = 0; examined < SWEEP_BATCH; examined++) {
      if (head === undefined) {
        cursor ??= entries.entries();
        const next = cursor.next();
        if (next.done) {
          cursor = undefined;
          return;
        }
        head = next.value;
      }
      const [key, entry] = head;
      if (entries.get(key) === entry && entry.expiresAt > time) return; // the oldest is still valid
      entries.delete(key); // expired, or already redeemed
      head = undefined;
    }
  }

  return {
    async issue(subject) {
      const time = now();
      sweep(time);
      const ticket = newTicket();
      entries.set(ticketKey(ticket), { subject, expiresAt: time + ttl });
      return ticket;
    },
    async redeem(ticket) {
      if (!isTicket(ticket)) return null;
      sweep(now());
      const key = ticketKey(ticket);
      const entry = entries.get(key);
      if (!entry) return null;
      entries.delete(key);
      return entry.expiresAt > now() ? entry.subject : null;
    },
  };
}
