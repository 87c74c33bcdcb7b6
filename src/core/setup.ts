import { type AuthSocketError, fail, invalid } from '../errors/AuthSocketError.ts';
import type { SetupConnection } from '../types.ts';
import { featureValue } from './features.ts';

/** The user's `options.setup`. */
export type SetupFn<Out> = (connection: SetupConnection<Out>) => void | Promise<void>;

/**
 * A checked `options.setup`: runs it on one authenticated connection and
 * reports once: `undefined` when it settled, an error when it threw, rejected
 * or took longer than `timeout` ms. Its `send` writes straight to that
 * connection, ahead of the queue; once the connection has ended it throws
 * instead of writing elsewhere.
 *
 * @returns a cancel function: the connection ended, nothing is reported
 */
export type SetupRunner = (write: (msg: unknown) => boolean, timeout: number, done: (error?: AuthSocketError) => void) => () => void;

/**
 * `setup` as a value (src/core/features.ts): checks it once (a function).
 * @example
 * ```ts
 * new AuthSocket(url, { auth, setup: setup((connection) => connection.send({ type: 'subscribe', room: 'lobby' })) }); // authsocket/lite
 * ```
 */
export const setupFeature = <Out = unknown>(setup: SetupFn<Out>): SetupRunner => {
  if (typeof setup !== 'function') throw invalid(process.env.NODE_ENV !== 'production' ? 'setup: give a function' : 'setup');
  return featureValue((write, timeout, done) => {
    let settled = false;
    /** The connection ended, or the outcome was reported: nothing more is. */
    const cancel = () => {
      settled = true;
      clearTimeout(timer);
    };
    const finish = (error?: AuthSocketError) => {
      if (settled) return;
      cancel();
      done(error);
    };
    const failed = (cause: unknown) => finish(fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? 'options.setup failed (see cause); retrying' : 'setup', cause));
    const timer = setTimeout(() => finish(fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? `options.setup did not settle within ${timeout} ms; retrying` : `setup ${timeout} ms`)), timeout);
    const connection: SetupConnection<unknown> = {
      send(msg) {
        if (!write(msg)) throw fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? 'connection ended; setup runs again on the next' : 'setup');
      },
    };
    try {
      const result = setup(connection as SetupConnection<Out>);
      // A synchronous setup settles at once, so that `open` follows in the same task.
      if (result && typeof (result as PromiseLike<void>).then === 'function') Promise.resolve(result).then(() => finish(), failed);
      else finish();
    } catch (cause) {
      failed(cause);
    }
    return cancel;
  });
};
