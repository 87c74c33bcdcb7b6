import { AuthSocketError } from '../errors/AuthSocketError.ts';
import type { SetupConnection } from '../types.ts';

/** The user's `options.setup`. */
export type SetupFn<Out> = (connection: SetupConnection<Out>) => void | Promise<void>;

/**
 * Runs `setup` on one authenticated connection and reports once: `undefined`
 * when it settled, an error when it threw, rejected or took longer than
 * `timeout` ms. Its `send` writes straight to that connection, ahead of the
 * queue; once the connection has ended it throws instead of writing elsewhere.
 *
 * @returns a cancel function: the connection ended, nothing is reported
 */
export function runSetup<Out>(
  setup: SetupFn<Out>,
  write: (msg: Out | string) => boolean,
  timeout: number,
  done: (error?: AuthSocketError) => void,
): () => void {
  let settled = false;
  const finish = (error?: AuthSocketError) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    done(error);
  };
  const failed = (cause: unknown) => finish(new AuthSocketError(
    'CONNECTION_FAILED',
    'options.setup threw or rejected on this connection; it counts as a failed attempt (see error.cause).',
    { cause },
  ));
  const timer = setTimeout(() => finish(new AuthSocketError(
    'CONNECTION_FAILED',
    `options.setup did not settle within ${timeout} ms (reconnect.connectionTimeout); it counts as a failed attempt.`,
  )), timeout);
  const connection: SetupConnection<Out> = {
    send(msg) {
      if (!write(msg)) throw new AuthSocketError('CONNECTION_FAILED', 'This connection has ended; setup runs again on the next one.');
    },
  };
  try {
    const result = setup(connection);
    // A synchronous setup settles at once, so that `open` follows in the same task.
    if (result && typeof (result as PromiseLike<void>).then === 'function') Promise.resolve(result).then(() => finish(), failed);
    else finish();
  } catch (cause) {
    failed(cause);
  }
  return () => {
    settled = true;
    clearTimeout(timer);
  };
}
