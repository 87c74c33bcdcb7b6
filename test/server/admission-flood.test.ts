// Admission under a flood of idle sockets (message carrier, no first frame
// ever sent) from many addresses, at the default limits: those sockets get at
// most half of `pending`, so a client whose credential came with the upgrade
// is verified at once, and when their half is full the one that waited
// longest (1 s or more) makes room for a newcomer, so a message-carrier client
// gets in too. Real sockets, from many 127.x.y.z source addresses.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { addressBlock, FULL_POOL_WAIT_MS } from '../../src/server/core/limits.ts';
import { attempt, startGate, upgradeRequest, type TestGate } from '../support/server-gate.ts';
import { within } from '../support/server-timeout.ts';

const auth = (token: string) => JSON.stringify({ type: 'auth', token });

/** `perAddress` upgrades from each of `addresses` source addresses, each then silent; resolves with their HTTP statuses. */
async function idleFlood(port: number, addresses: number, perAddress: number) {
  const sockets: Socket[] = [];
  const statuses = await Promise.all(Array.from({ length: addresses * perAddress }, (_, i) => {
    const a = Math.floor(i / perAddress) + 1;
    return within(new Promise<number>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress: `127.10.${a >> 8}.${a & 255}` });
      sockets.push(socket);
      socket.on('error', () => resolve(0));
      socket.once('data', (chunk) => resolve(Number(chunk.toString('latin1').split(' ')[1])));
      socket.write(upgradeRequest('/'));
    }), 20_000, 'flood socket answered');
  }));
  return { statuses, stop: () => { for (const socket of sockets) socket.destroy(); } };
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

for (const [addresses, perAddress] of [[30, 50], [300, 4]] as const) {
  test(`defaults, ${addresses} addresses × ${perAddress} idle sockets: a client with a credential is admitted within its verify time, a message-carrier client once the idle ones waited ${FULL_POOL_WAIT_MS} ms`, async (t) => {
    const g: TestGate<string> = await startGate();
    const flood = await idleFlood(g.port, addresses, perAddress);
    const floodEnded = Date.now();
    try {
      const evicted = g.refusals.filter((r) => r.reason === 'auth timeout').length;
      t.diagnostic(`flood: ${count(flood.statuses, 101)} upgraded, ${evicted} of them closed to make room, ${count(flood.statuses, 503)} refused 503, ${count(flood.statuses, 429)} 429`);
      const total = addresses * perAddress;
      assert.equal(count(flood.statuses, 101) + count(flood.statuses, 503), total);
      // At most half of `pending` (500) wait at once: the rest were refused or gave way.
      assert.ok(count(flood.statuses, 101) - evicted <= 500, `${count(flood.statuses, 101) - evicted} idle at once`);

      const started = Date.now();
      const withToken = await attempt(g.url('/?access_token=good'), { closeAfter: 1 });
      assert.deepEqual(withToken.messages, [{ type: 'welcome', user: 'alice' }]);
      t.diagnostic(`query-token client admitted in ${Date.now() - started} ms`);
      assert.ok(Date.now() - started < 1_000, 'admitted at once: verify is immediate here');

      // The idle sockets have waited long enough to give way.
      const wait = FULL_POOL_WAIT_MS - (Date.now() - floodEnded);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const byMessage = await attempt(g.url(), { send: [auth('good')], closeAfter: 2 });
      assert.deepEqual(byMessage.messages, [{ type: 'auth_ok' }, { type: 'welcome', user: 'alice' }]);
    } finally {
      flood.stop();
      await g.close();
    }
  });
}

test('IPv6 addresses count per /64; IPv4 (mapped or not) per address', () => {
  assert.equal(addressBlock('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(addressBlock('2001:db8:1:2::9'), '2001:db8:1:2::/64');
  assert.equal(addressBlock('2001:0db8:0001:0002:ffff::1%eth0'), '2001:db8:1:2::/64');
  assert.equal(addressBlock('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressBlock('::1'), '0:0:0:0::/64');
  assert.equal(addressBlock('::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(addressBlock('10.0.0.1'), '10.0.0.1');
  assert.equal(addressBlock('proxy-said-this'), 'proxy-said-this');
});

test('one IPv6 /64 is one address for pendingPerAddress', async () => {
  let n = 0;
  // Every request from another address of the same /64.
  const g = await startGate({ address: () => `2001:db8:1:2::${(++n).toString(16)}`, limits: { pendingPerAddress: 3 } });
  try {
    const idle = await Promise.all(Array.from({ length: 3 }, () => within(new Promise<void>((resolve) => {
      const s = connect(g.port, '127.0.0.1');
      s.once('data', () => resolve());
      s.write(upgradeRequest('/'));
      idleSockets.push(s);
    }), 3_000, 'idle socket open')));
    assert.equal(idle.length, 3);
    const refused = await attempt(g.url('/?access_token=good'));
    assert.deepEqual([refused.status, g.refusals.at(-1)?.reason], [429, 'too many pending from this address']);
  } finally {
    for (const s of idleSockets) s.destroy();
    await g.close();
  }
});
const idleSockets: Socket[] = [];
