/**
 * Throw this from `verify` when the credential is valid but the user may not
 * connect (banned, wrong tenant…): the gate closes the socket with 4403 and
 * the client stops retrying, since a fresh token would not help.
 *
 * The message becomes the close reason (cut to 123 bytes), so keep it short
 * and never put a credential in it.
 *
 * @example
 * ```ts
 * const gate = createAuthGate({
 *   origins: ['https://app.example.com'],
 *   verify: async (token) => {
 *     const user = await sessions.lookup(token);
 *     if (user?.banned) throw new Forbidden('account suspended');
 *     return user;
 *   },
 * });
 * ```
 */
export class Forbidden extends Error {
  constructor(message = 'forbidden') {
    super(message);
    this.name = 'Forbidden';
  }
}
