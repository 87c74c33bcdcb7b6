import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeClose } from '../../src/core/closeCodes.ts';

test('the close-code policy', () => {
  assert.equal(judgeClose(4403, false), 'forbidden');
  assert.equal(judgeClose(4401, false), 'auth-failure');
  assert.equal(judgeClose(4401, true), 'auth-failure', 'the client closes with 4401 after a reject or an ack timeout');
  assert.equal(judgeClose(1008, false), 'auth-failure');
  assert.equal(judgeClose(4000, true), 'retry-now');
  assert.equal(judgeClose(4000, false), 'transient', "a server's 4000 is not our heartbeat");
  for (const code of [1000, 1001, 1006, 1011, 4500]) assert.equal(judgeClose(code, false), 'transient');
});
