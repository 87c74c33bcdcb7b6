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
// - mangle.properties: reconnecting-websocket's private members are plain
//   `_camelCase` properties (TS `private`); nothing reads one by string name
//   (checked in src/, reconnecting-websocket and js-cookie). `/^_[a-z]/i`
//   leaves `__proto__` (js-cookie's `"__proto__" !== key` guard, and any
//   object literal `{ __proto__: … }`) alone.
// - comments: only the one-line licence banner stays; the licence texts are
//   in authsocket.min.js.LICENSE.txt (scripts/rollup/licenses.mjs).
import { LICENSE_BANNER } from './licenses.mjs';

export const terserOptions = {
  ecma: 2022,
  module: false,
  compress: { passes: 3, unsafe_methods: true, pure_getters: true },
  mangle: { properties: { regex: /^_[a-z]/i } },
  // A RegExp, not a function: @rollup/plugin-terser serialises options to its workers.
  format: { comments: LICENSE_BANNER },
};
