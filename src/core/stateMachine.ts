import type { State } from '../types.ts';

/** Which states each state may move to. Anything else is a bug in the client. */
const transitions: Record<State, readonly State[]> = {
  idle: ['connecting', 'closed'],
  connecting: ['authenticating', 'open', 'reconnecting', 'closed'],
  authenticating: ['open', 'reconnecting', 'closed'],
  open: ['reconnecting', 'closed'],
  reconnecting: ['connecting', 'closed'],
  closed: ['connecting'],
};

/** The client's lifecycle as one explicit state machine. */
export class StateMachine {
  #state: State = 'idle';

  readonly #onChange: (change: { from: State; to: State }) => void;

  constructor(onChange: (change: { from: State; to: State }) => void) {
    this.#onChange = onChange;
  }

  get state(): State {
    return this.#state;
  }

  /** Moves to `to`; staying put is a no-op, an illegal move throws. */
  moveTo(to: State): void {
    const from = this.#state;
    if (from === to) return;
    if (!transitions[from].includes(to)) throw new Error(`authsocket: illegal state change ${from} → ${to}`);
    this.#state = to;
    this.#onChange({ from, to });
  }
}

export { transitions as stateTransitions };
