// A `refused` payload that can be logged whole. The request it came from
// holds the credential (`req.url` with a query ticket, the Cookie,
// Authorization and Sec-WebSocket-Protocol headers), so it is attached as a
// non-enumerable property: `JSON.stringify`, `util.inspect`/`console.log` and
// object spreads skip it, while `refusal.req` still works for code that
// asks for it on purpose.
import type { Emitter } from './emitter.ts';
import type { AuthGateEvents, Refusal } from './types.ts';

/** A copy of `refusal` whose `req` is not enumerable. */
export function loggableRefusal(refusal: Refusal): Refusal {
  const { req, ...fields } = refusal;
  return Object.defineProperty(fields, 'req', { value: req, enumerable: false }) as Refusal;
}

/** Makes every `refused` event `events` emits loggable, wherever it is emitted from. */
export function withLoggableRefusals<User>(events: Emitter<AuthGateEvents<User>>): Emitter<AuthGateEvents<User>> {
  const emit = events.emit.bind(events);
  events.emit = ((event: keyof AuthGateEvents<User>, ...args: unknown[]) =>
    event === 'refused' ? emit('refused', loggableRefusal(args[0] as Refusal)) : (emit as (e: unknown, ...a: unknown[]) => void)(event, ...args)) as typeof events.emit;
  return events;
}
