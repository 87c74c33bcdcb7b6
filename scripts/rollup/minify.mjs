// Terser options of the CDN build (dist/authsocket.min.js), shared with the
// bench's feature-cost builds so that both minify alike.
//
// - ecma 2022 / passes 3: the bundle is ES2022 (esbuild target); a third pass
//   still finds work after inlining.
// - unsafe_methods: `{ f: function () {} }` → `{ f() {} }`. Safe here: the one
//   function that RWS calls with `new` (transport.ts's socket factory) is a
//   `const` function expression, not an object member. `unsafe_arrows` is NOT
//   safe for the same reason (it would turn that factory into an arrow).
// - pure_getters: no getter in src/ or the deps is read for a side effect.
// - mangle.properties: the client's internal objects (Session, Link,
//   the retry policy, the make-before-break host, transport handlers) are
//   plain objects whose property names would otherwise ship in full. The
//   names in INTERNAL_PROPERTIES appear nowhere in the public API (src/types.ts),
//   in tab frames or in the dependencies, and no code reads them by string
//   (the dependencies' own property names are left as published);
//   test/unit/minify-internals.test.ts keeps it that way.
// - comments: only the one-line licence banner stays; the licence texts are
//   in authsocket.min.js.LICENSE.txt (scripts/rollup/licenses.mjs).
import { LICENSE_BANNER } from './licenses.mjs';

/** Property names private to the client's own objects, mangled in the CDN build. */
export const INTERNAL_PROPERTIES = [
  // Session and Link (src/core/session.ts)
  'primary', 'candidate', 'retired', 'nextDelay', 'longestLine', 'backoff', 'refreshTimer', 'reauthentication',
  'suspended', 'detachBrowser', 'policy', 'transport', 'credential', 'confirmed', 'confirmTimer', 'uptimeTimer',
  'rejected', 'rejectTimer', 'cancelSetup', 'authenticated', 'setUp', 'authError', 'verdictWait', 'retireTimer',
  'attempted', 'fetchedAt',
  // the retry policy (src/core/retryPolicy.ts)
  'authFailures', 'unopened', 'retries', 'hintDue', 'refused', 'canRetry', 'stayedUp', 'unreachable',
  // the make-before-break host (src/core/makeBeforeBreak.ts) and transport handlers (src/core/transport.ts)
  'createLink', 'planAttempt', 'authenticateInBand', 'runSetup', 'promote', 'settleCarrier', 'judgeClose',
  'handshakeTimeout', 'emitError', 'nextAttempt',
  // attempt endings (src/core/transport.ts), carriers (src/carriers/carrier.ts), the queue and the redactor
  'opened', 'local', 'noSubprotocol', 'inBand', 'acquire', 'settle', 'fits', 'prepare', 'verdict',
  'sentUnconfirmed', 'settleUnconfirmed', 'remember',
  // the optional features (src/core/features.ts)
  'features', 'featureOption', 'startHeartbeat', 'isHeartbeatPong',
  // the in-band handshake (src/core/inBandAuth.ts)
  'awaitVerdict', 'failAuth', 'verdictError', 'holding',
];

const internal = new RegExp(`^(?:${INTERNAL_PROPERTIES.join('|')})$`);

export const terserOptions = {
  ecma: 2022,
  module: false,
  compress: { passes: 3, unsafe_methods: true, pure_getters: true },
  mangle: { properties: { regex: internal } },
  // A RegExp, not a function: @rollup/plugin-terser serialises options to its workers.
  format: { comments: LICENSE_BANNER },
};
