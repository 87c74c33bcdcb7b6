import { queueFull } from '../errors/AuthSocketError.ts';
import type { Frame } from '../types.ts';

/**
 * Encoded frames waiting for an open, authenticated connection, in send order —
 * and those already sent on a connection the server has not confirmed yet,
 * which go back to the front when the server refuses that connection's
 * credential (it closes before the application sees them).
 */
export class PendingQueue {
  #frames: Frame[] = [];
  #unconfirmed: Frame[] = [];

  readonly #max: number;
  readonly #held: () => number;

  /** @param held - frames kept elsewhere that count against `max` too (resume's unacknowledged ones) */
  constructor(max: number, held: () => number = () => 0) {
    this.#max = max;
    this.#held = held;
  }

  get size(): number {
    return this.#frames.length;
  }

  /** Adds a frame, or throws `QUEUE_FULL`: nothing is dropped silently. */
  push(frame: Frame): void {
    if (this.#frames.length + this.#held() >= this.#max) {
      throw queueFull(this.#max);
    }
    this.#frames.push(frame);
  }

  /** Sends frames in order until `send` refuses one; the refused one and the rest stay queued. */
  flush(send: (frame: Frame) => boolean, unconfirmed = false): void {
    while (this.#frames.length > 0 && send(this.#frames[0]!)) {
      const frame = this.#frames.shift()!;
      if (unconfirmed) this.#unconfirmed.push(frame);
    }
  }

  /** Remembers a frame sent straight away on an unconfirmed connection. */
  sentUnconfirmed(frame: Frame): void {
    this.#unconfirmed.push(frame);
  }

  /** The server confirmed the connection: what was sent on it stays sent. */
  confirm(): void {
    this.#unconfirmed = [];
  }

  /** The unconfirmed connection ended: its frames go back to the front (refused) or stay sent. */
  settleUnconfirmed(refused: boolean): void {
    if (refused) this.#frames.unshift(...this.#unconfirmed);
    this.#unconfirmed = [];
  }

  /** Empties the queue and says how many frames were discarded. */
  drop(): number {
    const dropped = this.#frames.length;
    this.#frames = [];
    this.#unconfirmed = [];
    return dropped;
  }
}
