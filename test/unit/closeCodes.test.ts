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

test('closeCodes overrides apply to server closes only', async () => {
  const { checkCloseCodes } = await import('../../src/core/closeCodes.ts');
  const overrides = checkCloseCodes({ 4400: 'fatal', 4403: 'retry', 4408: 'unauthorized', 1011: 'forbidden' });
  assert.equal(judgeClose(4400, false, overrides), 'fatal');
  assert.equal(judgeClose(4403, false, overrides), 'transient');
  assert.equal(judgeClose(4408, false, overrides), 'auth-failure');
  assert.equal(judgeClose(1011, false, overrides), 'forbidden');
  assert.equal(judgeClose(4401, false, overrides), 'auth-failure', 'unlisted codes keep the built-in policy');
  assert.equal(judgeClose(4400, true, overrides), 'transient', "the client's own close is never overridden");
});
