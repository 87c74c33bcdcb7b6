// The gate section of bench/RESULTS.md: the throughput table, the limits the
// bench gate ran with, and the cost-per-socket table (gate vs bare ws, ratios).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GateResults } from '../../bench/gate.ts';
import { summarize } from '../../bench/lib.ts';
import { gateCostSection, renderResults, renderSummary, type RunInfo } from '../../bench/report.ts';

const info: RunInfo = {
  date: '2026-01-01T00:00:00.000Z', commit: 'abc1234', dirty: false, cpu: 'cpu', memory: '1 GiB', os: 'linux',
  node: 'v20', chromium: '', quick: false, settings: {}, seconds: 1,
};

const row = (carrier: string, runs: number[]) => ({ carrier, perSec: summarize(runs), runs });
const gate: GateResults = {
  available: true,
  clients: 1000,
  limits: { pending: 10_000, pendingPerAddress: 10_000 },
  rows: [row('plain ws, no auth (baseline)', [2000, 2100, 2200]), row('query', [1800, 1900, 2000])],
  cost: [
    { server: 'plain', sockets: 5000, heapPerSocketKiB: 2.5, cpuPerUpgradeMicros: 250, upgradesPerSec: 500 },
    { server: 'gate', sockets: 5000, heapPerSocketKiB: 3, cpuPerUpgradeMicros: 400, upgradesPerSec: 450 },
    { server: 'plain', sockets: 19500, heapPerSocketKiB: 2, cpuPerUpgradeMicros: 200, upgradesPerSec: 200 },
    { server: 'gate', sockets: 19500, heapPerSocketKiB: 4, cpuPerUpgradeMicros: 220, upgradesPerSec: 190 },
  ],
};

test('RESULTS.md renders the gate throughput table, its limits and the cost-per-socket table with ratios and verdicts', () => {
  const markdown = renderResults({ info, sizes: [], gate });
  assert.match(markdown, /^\| query \| \*\*1,900\*\* \| 1,800 – 2,000 \| 0\.90× \|$/m);
  assert.match(markdown, /pendingPerAddress: 10000/);
  assert.match(markdown, /not the per-address limit/);
  assert.match(markdown, /### Cost per socket/);
  assert.match(markdown, /^\| 5,000 \| 2\.50 KiB \| 3\.00 KiB \| \*\*1\.20×\*\* \(met\) \| 250 µs \| 400 µs \| \*\*1\.60×\*\* \(\*\*not met\*\*\) \| 500 \/ 450 \|$/m);
  assert.match(markdown, /^\| 19,500 \| 2\.00 KiB \| 4\.00 KiB \| \*\*2\.00×\*\* \(\*\*not met\*\*\) \| 200 µs \| 220 µs \| \*\*1\.10×\*\* \(met\) \| 200 \/ 190 \|$/m);
  assert.match(renderSummary({ info, sizes: [], gate }), /Gate cost, 19,500 held sockets: 4\.00 KiB heap per socket \(bare ws 2\.00 KiB, 2\.00×\), 220 µs CPU per upgrade \(bare ws 200 µs, 1\.10×\)/);
});

test('no cost rows, or a count without both servers: no cost table', () => {
  assert.deepEqual(gateCostSection(undefined), []);
  assert.deepEqual(gateCostSection([gate.cost![0]!]), []);
  assert.doesNotMatch(renderResults({ info, sizes: [], gate: { ...gate, cost: undefined } }), /Cost per socket/);
});
