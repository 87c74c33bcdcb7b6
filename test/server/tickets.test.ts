import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTicketStore } from '../../src/server/index.ts';

test('a ticket is 32 random bytes in base64url, different every time', async () => {
  const tickets = createTicketStore({ ttl: 30_000 });
  const issued = await Promise.all(Array.from({ length: 100 }, () => tickets.issue('alice')));
  for (const ticket of issued) assert.match(ticket, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(new Set(issued).size, issued.length);
});

test('a ticket redeems once to its subject, then null', async () => {
  const tickets = createTicketStore<{ id: number }>({ ttl: 30_000 });
  const ticket = await tickets.issue({ id: 7 });
  assert.deepEqual(await tickets.redeem(ticket), { id: 7 });
  assert.equal(await tickets.redeem(ticket), null);
});

test('concurrent redeems of one ticket: exactly one wins', async () => {
  const tickets = createTicketStore({ ttl: 30_000 });
  const ticket = await tickets.issue('alice');
  const results = await Promise.all(Array.from({ length: 10 }, () => tickets.redeem(ticket)));
  assert.deepEqual(results.filter((r) => r !== null), ['alice']);
});

test('a ticket expires after ttl', async () => {
  let now = 1_000;
  const tickets = createTicketStore({ ttl: 500, now: () => now });
  const early = await tickets.issue('alice');
  const late = await tickets.issue('bob');
  now += 499;
  assert.equal(await tickets.redeem(early), 'alice');
  now += 1;
  assert.equal(await tickets.redeem(late), null);
});

test('junk and lookalikes redeem to null', async () => {
  const tickets = createTicketStore({ ttl: 30_000 });
  const ticket = await tickets.issue('alice');
  for (const junk of ['', 'x', ticket.slice(1), `${ticket}A`, ticket.toUpperCase() === ticket ? 'a'.repeat(43) : ticket.toUpperCase(),
    'A'.repeat(64 * 1024), undefined, null, 42, { toString: () => ticket }]) {
    assert.equal(await tickets.redeem(junk as string), null);
  }
  assert.equal(await tickets.redeem(ticket), 'alice');
});

test('expired tickets are swept, so unredeemed tickets do not pile up', async () => {
  let now = 0;
  const tickets = createTicketStore({ ttl: 100, now: () => now });
  const old = await Promise.all(Array.from({ length: 50 }, () => tickets.issue('x')));
  now = 250;
  for (let i = 0; i < 50; i++) await tickets.issue('y'); // each sweeps a few
  now = 0; // even with the clock turned back, swept tickets are gone
  for (const ticket of old) assert.equal(await tickets.redeem(ticket), null);
});

/** How many Map entries `run` looks at: iterator steps, lookups and deletions on any Map. */
async function mapWork(run: () => Promise<unknown>): Promise<number> {
  const iteratorProto = Object.getPrototypeOf(new Map().entries()) as { next: () => unknown };
  const originals = { next: iteratorProto.next, get: Map.prototype.get, delete: Map.prototype.delete, forEach: Map.prototype.forEach };
  let work = 0;
  iteratorProto.next = function (this: unknown) { work++; return originals.next.call(this); };
  Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) { work++; return originals.get.call(this, key); };
  Map.prototype.delete = function (this: Map<unknown, unknown>, key: unknown) { work++; return originals.delete.call(this, key); };
  Map.prototype.forEach = function (this: Map<unknown, unknown>, ...args: Parameters<Map<unknown, unknown>['forEach']>) { work += this.size; return originals.forEach.apply(this, args); };
  try {
    await run();
  } finally {
    Object.assign(iteratorProto, { next: originals.next });
    Object.assign(Map.prototype, { get: originals.get, delete: originals.delete, forEach: originals.forEach });
  }
  return work;
}

test('the sweep never blocks the loop: one issue() or redeem() looks at a bounded number of entries, however many tickets exist', async () => {
  let now = 0;
  const tickets = createTicketStore({ ttl: 1_000, now: () => now });
  for (let i = 0; i < 50_000; i++) await tickets.issue('x');
  const live = await tickets.issue('live');
  now = 1_000; // all but `live` expired (it expires at 1000 too; issued at 0)
  const perCall: number[] = [];
  for (let i = 0; i < 20; i++) perCall.push(await mapWork(() => tickets.issue('y')));
  perCall.push(await mapWork(() => tickets.redeem(live)));
  // A few Map operations (step, lookup, delete) for each of the 4 entries a call looks at.
  assert.ok(Math.max(...perCall) <= 20, `Map operations per call: ${perCall.join(', ')}`);
});

test('a backlog of expired tickets drains while tickets are issued', async () => {
  let now = 0;
  const tickets = createTicketStore({ ttl: 100, now: () => now });
  const old = await Promise.all(Array.from({ length: 1_000 }, () => tickets.issue('old')));
  now = 200;
  for (let i = 0; i < 400; i++) await tickets.issue('new'); // 4 looked at per call: 1,600 ≥ the 1,000 expired
  now = 50; // clock turned back: a ticket not swept would redeem
  const survivors = (await Promise.all(old.map((ticket) => tickets.redeem(ticket)))).filter((subject) => subject !== null);
  assert.equal(survivors.length, 0);
});

test('ttl is required and positive', () => {
  assert.throws(() => createTicketStore({ ttl: 0 }), TypeError);
  assert.throws(() => createTicketStore({} as { ttl: number }), TypeError);
  assert.throws(() => createTicketStore({ ttl: Number.NaN }), TypeError);
});
