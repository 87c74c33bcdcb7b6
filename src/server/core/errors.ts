// The server's coded errors, in the client's style: a stable `code` to branch
// on and a message naming what is wrong (never a credential).

/** What an {@link AuthGateError} is about. */
export type AuthGateErrorCode =
  /** An option of `createAuthGate` (or of a store, bus or adapter) is missing or invalid; the message names it. */
  | 'INVALID_OPTION'
  /** An argument of a gate method (`revoke`) is invalid. */
  | 'INVALID_ARGUMENT';

/**
 * A setup or argument error of `authsocket/server`. It extends `TypeError`, so
 * `instanceof TypeError` keeps working, and carries a `code`.
 *
 * @example
 * ```ts
 * try {
 *   createAuthGate({ origins: ['app.example.com'], verify });
 * } catch (error) {
 *   if (error instanceof AuthGateError && error.code === 'INVALID_OPTION') console.error(error.message);
 * }
 * ```
 */
export class AuthGateError extends TypeError {
  readonly code: AuthGateErrorCode;

  constructor(code: AuthGateErrorCode, message: string) {
    super(message);
    this.name = 'AuthGateError';
    this.code = code;
  }
}

/** An `INVALID_OPTION` error whose message starts with the function that got the option. */
export function invalidOption(message: string, where = 'createAuthGate'): AuthGateError {
  return new AuthGateError('INVALID_OPTION', `${where}: ${message}`);
}
