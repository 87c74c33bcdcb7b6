import { AuthSocketError } from '../errors/AuthSocketError.ts';
import type { Frame } from '../types.ts';

/** Encoded frames waiting for an open, authenticated connection, in send order. */
export class PendingQueue {
  #frames: Frame[] = [];

  constructor(private readonly max: number) {}

  get size(): number {
    return this.#frames.length;
  }

  /** Adds a frame, or throws `QUEUE_FULL`: nothing is dropped silently. */
  push(frame: Frame): void {
    if (this.#frames.length >= this.max) {
      throw new AuthSocketError(
        'QUEUE_FULL',
        `The send queue is full (${this.max} messages) while the socket is not open; wait for 'open' or raise options.queue.max.`,
      );
    }
    this.#frames.push(frame);
  }

  /** Sends frames in order until `send` refuses one; the refused one and the rest stay queued. */
  flush(send: (frame: Frame) => boolean): void {
    while (this.#frames.length > 0 && send(this.#frames[0]!)) this.#frames.shift();
  }

  /** Empties the queue and says how many frames were discarded. */
  drop(): number {
    const dropped = this.#frames.length;
    this.#frames = [];
    return dropped;
  }
}
