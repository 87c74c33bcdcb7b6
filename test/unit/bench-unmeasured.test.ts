// A bench section that cannot measure is named in RESULTS.md and the run goes
// on (bench/lib.ts measureOr, bench/report.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureOr, type Unmeasured } from '../../bench/lib.ts';
import { renderResults, type RunInfo } from '../../bench/report.ts';

const info: RunInfo = {
  date: '2026-01-01T00:00:00.000Z', commit: 'abc1234', dirty: false, cpu: 'cpu', memory: '1 GiB', os: 'linux',
  node: 'v20', chromium: '', quick: false, settings: { downtime: 300, reconnectTrials: 8 }, seconds: 1,
};

test('a failing section: its reason is recorded, the next section still runs, RESULTS.md says what was not measured', async () => {
  const unmeasured: Unmeasured[] = [];
  const failed = await measureOr('storm', unmeasured, async () => { throw new Error('storm: server did not start'); });
  const next = await measureOr('gate', unmeasured, async () => 42);
  assert.equal(failed, undefined);
  assert.equal(next, 42);
  assert.deepEqual(unmeasured, [{ section: 'storm', reason: 'storm: server did not start' }]);
  const markdown = renderResults({ info, sizes: [], unmeasured });
  assert.match(markdown, /\*\*Not measured in this run\*\*/);
  assert.match(markdown, /^- storm: storm: server did not start$/m);
  assert.doesNotMatch(renderResults({ info, sizes: [], unmeasured: [] }), /Not measured/);
});
