// Gate option `ack`: the first frame of every admitted socket, whatever the
// carrier, is {"type":"auth_ok"}, sent right after the 101 and before the
// `connection` event; refused sockets never get one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { rawExchange, startGate, upgradeRequest, type TestGate } from '../support/server-gate.ts';
import { listen } from '../support/server-socket.ts';
import { within } from '../support/server-timeout.ts';

const ACK = { type: 'auth_ok' };
const WELCOME = { type: 'welcome', user: 'alice' };

describe('ack: true', () => {
  let g: TestGate<string>;
  before(async () => { g = await startGate({ ack: true }); });
  after(() => g.close());

  const upgrades = {
    subprotocol: () => listen(g.url(), ['authsocket', `base64url.bearer.${encodeBase64Url('good')}`]),
    query: () => listen(g.url('/?access_token=good')),
    cookie: () => listen(g.url(), [], { headers: { Cookie: 'ws_token=good' } }),
    header: () => listen(g.url(), [], { headers: { Authorization: 'Bearer good' } }),
  };
  for (const [carrier, open] of Object.entries(upgrades)) {
    test(`${carrier}: auth_ok first, then the app's frames`, async () => {
      const client = await open();
      await client.next(2);
      assert.deepEqual(client.inbox, [ACK, WELCOME]);
      client.ws.close();
    });
  }

  test('message: the carrier’s own auth_ok, not a second one', async () => {
    const client = await listen(g.url());
    client.ws.send(JSON.stringify({ type: 'auth', token: 'good' }));
    client.ws.send('after');
    await client.next(3);
    assert.deepEqual(client.inbox, [ACK, WELCOME, { type: 'echo', data: 'after' }]);
    client.ws.close();
  });

  for (const [carrier, path, headers] of [
    ['query', '/?access_token=bad', {}],
    ['cookie', '/', { Cookie: 'ws_token=bad' }],
  ] as const) {
    test(`${carrier}: a refused credential gets no auth_ok, only the close`, async () => {
      const client = await listen(g.url(path), [], { headers });
      const closed = await within(client.closed, 2_000, 'close');
      assert.equal(closed.code, 4401);
      assert.deepEqual(client.inbox, []);
    });
  }

  test('on the wire: the 101, then the auth_ok frame, then the app, with nothing asked of the client', async () => {
    const { response } = await rawExchange(g.port, upgradeRequest('/?access_token=good'), 300);
    const [head, frames = ''] = response.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 101 /);
    const ack = JSON.stringify(ACK);
    // An unmasked text frame: 0x81, the length, the payload.
    assert.ok(frames.startsWith(`\x81${String.fromCharCode(ack.length)}${ack}`), JSON.stringify(frames));
    assert.ok(frames.indexOf('"welcome"') > ack.length);
  });
});

describe('ack: false (the default)', () => {
  let g: TestGate<string>;
  before(async () => { g = await startGate(); });
  after(() => g.close());

  test('no auth_ok on upgrade carriers', async () => {
    const client = await listen(g.url('/?access_token=good'));
    await client.next(1);
    assert.deepEqual(client.inbox, [WELCOME]);
    client.ws.close();
  });

  test('a non-boolean ack is refused at creation', async () => {
    await assert.rejects(startGate({ ack: 'yes' as never }), TypeError);
  });
});
