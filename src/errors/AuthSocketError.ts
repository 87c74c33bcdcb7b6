
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

/**
 * Where each error code is explained in full: the published docs, by full URL
 * (the npm package ships no docs/), followed by the code in lower case.
 */
export const ERRORS_DOC_URL = 'https://github.com/authsocket/authsocket/blob/main/docs/errors.md#';

/**
 * An {@link AuthSocketError} whose message, a short "what to do", ends with the
 * link to its code's entry in the published docs. Call sites write
 * `process.env.NODE_ENV !== 'production' ? 'what to do' : 'the numbers'`:
 * development builds say what to do; production builds (a bundler's
 * `NODE_ENV` of `'production'`, and dist/authsocket.min.js) keep the code,
 * the numbers that matter and the link, and a bundler drops the rest. (The
 * condition is written out each time: bundlers fold it only there.)
 */
export const fail = (code: AuthSocketErrorCode, message: string, cause?: unknown): AuthSocketError =>
  new AuthSocketError(code, `${message} — ${ERRORS_DOC_URL}${code.toLowerCase()}`, cause === undefined ? undefined : { cause });

/** `QUEUE_FULL`: `max` messages wait while the socket is not open. */
export const queueFull = (max: number): AuthSocketError =>
  fail('QUEUE_FULL', process.env.NODE_ENV !== 'production' ? `send queue full (${max}); wait for 'open' or raise queue.max` : `${max}`);

/** `reauthenticate()` outside an open socket (the next connection fetches a fresh credential anyway). */
export const notOpen = (state: string): AuthSocketError =>
  fail('CONNECTION_FAILED', process.env.NODE_ENV !== 'production' ? `reauthenticate() needs an open socket (state ${state})` : state);

/** `INVALID_OPTIONS`: a setup mistake, thrown by the constructor or the method given it. */
export const invalid = (message: string): AuthSocketError => fail('INVALID_OPTIONS', message);
