// Running the app's `verify` and turning whatever it does into one of the
// gate's outcomes. Errors are kept whole for the app's `error` event but
// never copied into a close reason.
import { CLOSE, closeReason } from './closeCodes.ts';
import { VerifyTimeout } from './limits.ts';
import type { Verify, VerifyContext } from './options.ts';

/** The verdict on a credential: a user, or the close code and reason that refuse it. */
export type Outcome<User> =
  | { kind: 'accepted'; user: User }
  | { kind: 'refused'; code: number; reason: string; error?: unknown };

export async function runVerify<User, Req>(
  verify: Verify<User, Req>,
  token: string,
  req: Req,
  context: VerifyContext,
): Promise<Outcome<User>> {
  if (token === '') return { kind: 'refused', ...CLOSE.unauthorized };
  try {
    const user = await verify(token, req, context);
    // Every falsy value refuses (0, '', NaN, 0n too): a check that returns a
    // count or an empty string must fail closed, never open.
    if (!user) return { kind: 'refused', ...CLOSE.unauthorized };
    return { kind: 'accepted', user };
  } catch (error) {
    // `name` too: with both the ESM and CJS builds loaded there are two classes.
    if (error instanceof Forbidden || (error as Error | null)?.name === 'Forbidden') {
      const message = (error as Error).message;
      return { kind: 'refused', code: CLOSE.forbidden.code, reason: closeReason(message || CLOSE.forbidden.reason) };
    }
    if (error instanceof VerifyTimeout) return { kind: 'refused', ...CLOSE.tryAgain, error };
    return { kind: 'refused', ...CLOSE.internal, error };
  }
}

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
