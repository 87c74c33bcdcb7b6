// What the build-time trimming of dependency sources shares (rwsSource.mjs,
// jsCookieSource.mjs): each edit must find exactly what it expects, or the
// build stops, naming the file and the function to update. A dependency
// upgrade that changed the source's shape is never half-stripped.

/** The thrower of one edit function: `plugin: file why; update fn()`. */
export const editFailure = (plugin, file, fn) => (why) => {
  throw new Error(`${plugin}: ${file} ${why}; update ${fn}()`);
};

/** How many times `part` occurs in `text`. */
export const occurrences = (text, part) => text.split(part).length - 1;

/** `text` as a literal inside a RegExp. */
export const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
