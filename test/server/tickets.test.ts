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
  await tickets.issue('y'); // sweeps
  now = 0; // even with the clock turned back, swept tickets are gone
  for (const ticket of old) assert.equal(await tickets.redeem(ticket), null);
});

test('ttl is required and positive', () => {
  assert.throws(() => createTicketStore({ ttl: 0 }), TypeError);
  assert.throws(() => createTicketStore({} as { ttl: number }), TypeError);
  assert.throws(() => createTicketStore({ ttl: Number.NaN }), TypeError);
});
