// The client's lifecycle as an explicit state machine: every legal move is
// reported once, an illegal one throws (a client bug must not go unnoticed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateMachine, stateTransitions } from '../../src/core/stateMachine.ts';
import type { State } from '../../src/types.ts';

const ALL: State[] = ['idle', 'connecting', 'authenticating', 'open', 'reconnecting', 'closed'];

// The legal moves, written out independently of the implementation's table.
const LEGAL: Array<[State, State]> = [
  ['idle', 'connecting'],
  ['idle', 'closed'],
  ['connecting', 'authenticating'],
  ['connecting', 'open'],
  ['connecting', 'reconnecting'],
  ['connecting', 'closed'],
  ['authenticating', 'open'],
  ['authenticating', 'reconnecting'],
  ['authenticating', 'closed'],
  ['open', 'reconnecting'],
  ['open', 'closed'],
  ['reconnecting', 'connecting'],
  ['reconnecting', 'closed'],
  ['closed', 'connecting'],
];

/** Shortest path of legal moves from idle to `target` (BFS over LEGAL). */
function pathTo(target: State): State[] {
  const previous = new Map<State, State>();
  const queue: State[] = ['idle'];
  while (queue.length > 0) {
    const state = queue.shift()!;
    if (state === target) break;
    for (const [from, to] of LEGAL) {
      if (from === state && to !== 'idle' && !previous.has(to)) {
        previous.set(to, state);
        queue.push(to);
      }
    }
  }
  const path: State[] = [];
  for (let s: State | undefined = target; s && s !== 'idle'; s = previous.get(s)) path.unshift(s);
  return path;
}

function machineAt(state: State) {
  const changes: Array<{ from: State; to: State }> = [];
  const machine = new StateMachine((change) => changes.push(change));
  for (const step of pathTo(state)) machine.moveTo(step);
  assert.equal(machine.state, state);
  changes.length = 0;
  return { machine, changes };
}

test('starts idle and reports nothing until it moves', () => {
  const changes: unknown[] = [];
  const machine = new StateMachine((change) => changes.push(change));
  assert.equal(machine.state, 'idle');
  assert.deepEqual(changes, []);
});

test('the implementation allows exactly the documented moves', () => {
  const table = Object.entries(stateTransitions).flatMap(([from, tos]) => tos.map((to) => `${from}→${to}`)).sort();
  assert.deepEqual(table, LEGAL.map(([from, to]) => `${from}→${to}`).sort());
});

for (const [from, to] of LEGAL) {
  test(`legal: ${from} → ${to} changes state and reports { from, to } once`, () => {
    const { machine, changes } = machineAt(from);
    machine.moveTo(to);
    assert.equal(machine.state, to);
    assert.deepEqual(changes, [{ from, to }]);
  });
}

test('every illegal move throws and changes nothing', () => {
  let checked = 0;
  for (const from of ALL) {
    for (const to of ALL) {
      if (from === to || LEGAL.some(([f, t]) => f === from && t === to)) continue;
      const { machine, changes } = machineAt(from);
      assert.throws(() => machine.moveTo(to), new RegExp(`illegal state change ${from} → ${to}`), `${from} → ${to}`);
      assert.equal(machine.state, from);
      assert.deepEqual(changes, []);
      checked += 1;
    }
  }
  assert.equal(checked, ALL.length * (ALL.length - 1) - LEGAL.length);
});

test('moving to the current state is a silent no-op', () => {
  for (const state of ALL) {
    const { machine, changes } = machineAt(state);
    machine.moveTo(state);
    assert.equal(machine.state, state);
    assert.deepEqual(changes, [], state);
  }
});

test('a whole life: connect, authenticate, open, drop, reconnect, close, reopen', () => {
  const changes: Array<{ from: State; to: State }> = [];
  const machine = new StateMachine((change) => changes.push(change));
  for (const to of ['connecting', 'authenticating', 'open', 'reconnecting', 'connecting', 'open', 'closed', 'connecting'] as State[]) {
    machine.moveTo(to);
  }
  assert.deepEqual(changes.map(({ from, to }) => `${from}>${to}`), [
    'idle>connecting', 'connecting>authenticating', 'authenticating>open', 'open>reconnecting',
    'reconnecting>connecting', 'connecting>open', 'open>closed', 'closed>connecting',
  ]);
});
