/** Every error code that {@link AuthSocketError} can carry. */
export type AuthSocketErrorCode =
  | 'INVALID_URL'
  | 'INSECURE_TRANSPORT'
  | 'INVALID_OPTIONS'
  | 'UNSUPPORTED_CARRIER'
  | 'COOKIE_SCOPE'
  | 'TOKEN_PROVIDER_FAILED'
  | 'AUTH_REJECTED'
  | 'AUTH_TIMEOUT'
  | 'QUEUE_FULL'
  | 'DECODE_FAILED'
  | 'VALIDATION_FAILED'
  | 'CONNECTION_FAILED';

/**
 * The one error class authsocket throws or emits. Setup mistakes throw from the
 * constructor; runtime problems arrive on the `error` event. A message never
 * contains the credential.
 *
 * @example
 * ```ts
 * socket.on('error', (error) => {
 *   if (error.code === 'TOKEN_PROVIDER_FAILED') showLoginHint();
 * });
 * ```
 */
export class AuthSocketError extends Error {
  override readonly name = 'AuthSocketError';
  /** What went wrong, stable for programs to branch on. */
  readonly code: AuthSocketErrorCode;

  constructor(code: AuthSocketErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
