import { encodeBase64, encodeBase64Url } from './base64url.ts';

const REDACTED = '[redacted]';

/**
 * Tokens at least this long are scrubbed wherever they appear, even inside a
 * longer string. Shorter ones (1–7 characters) are scrubbed wherever they
 * stand whole — not touching a letter or digit on either side — which is how
 * a credential stands in a URL (`=ab&`), a cookie, a subprotocol entry
 * (`.bearer.YWI`), a JSON string (`"ab"`) or a close reason (`bad token ab`),
 * while a 1-character token does not turn every word containing that letter
 * into `[redacted]`.
 */
export const MIN_REDACT_ANYWHERE = 8;

// Tokens kept: old ones are no longer sent anywhere.
const REMEMBERED = 8;

// What js-cookie leaves unencoded in a cookie value (js-cookie 3.0.8's encoder).
const COOKIE_LITERAL = new Set('#$&+/:<=>?@[]^`{|}');

/**
 * Every form in which a carrier, a server echoing it, or a log line may put
 * `token`: raw; percent-encoded (`encodeURIComponent`, the query carrier's
 * form encoding with `+` and `%21%27%28%29%7E`, js-cookie's cookie encoding,
 * a URL password); base64url (the subprotocol entry) and base64;
 * JSON-escaped, also with `\/` and with `\uXXXX` for everything non-ASCII;
 * and each of these percent-encoded once more (inside another URL).
 */
export function wireForms(token: string): Set<string> {
  // A form this token cannot have (a lone surrogate cannot be percent-encoded)
  // throws, and comes out empty: no such form.
  const attempt = (make: () => string) => {
    try {
      return make();
    } catch {
      return '';
    }
  };
  const json = JSON.stringify(token).slice(1, -1);
  const ascii = json.replace(/[^ -~]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const base64 = encodeBase64(token);
  const forms = [
    token,
    attempt(() => encodeURIComponent(token)),
    new URLSearchParams([['', token]]).toString().slice(1), // exactly what `searchParams.set` writes
    attempt(() => [...token].map((char) => (COOKIE_LITERAL.has(char) ? char : encodeURIComponent(char))).join('')),
    Object.assign(new URL('http://h.invalid'), { password: token }).password,
    encodeBase64Url(token),
    base64,
    base64.replace(/=+$/, ''),
    json,
    json.replace(/\//g, '\\/'),
    ascii,
    ascii.replace(/\\u(\w{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`),
  ];
  // Each, and each inside another URL.
  const all = new Set([...forms, ...forms.map((form) => attempt(() => encodeURIComponent(form)))]);
  all.delete('');
  return all;
}

/** A regex source for `form`, with percent escapes matching either hex case. */
function patternOf(form: string): string {
  return form
    .replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    .replace(/%([0-9A-F]{2})/g, (_, hex: string) => `%(?:${hex}|${hex.toLowerCase()})`);
}

/**
 * Remembers the credentials in use so that any text leaving the client (debug
 * lines, error messages, close reasons) can be scrubbed of them, in every form
 * a carrier puts on the wire (see {@link wireForms}). Short tokens: see
 * {@link MIN_REDACT_ANYWHERE}.
 *
 * @example
 * ```ts
 * const redactor = new SecretRedactor();
 * redactor.remember('tok en!');
 * redactor.redact('wss://h/?access_token=tok+en%21'); // 'wss://h/?access_token=[redacted]'
 * ```
 */
export class SecretRedactor {
  #tokens: string[] = [];
  // Matches nothing until a token is remembered.
  #pattern = /(?!)/g;

  remember(token: string): void {
    if (!token) return;
    this.#tokens = [...this.#tokens.filter((known) => known !== token), token].slice(-REMEMBERED);
    const anywhere: string[] = [];
    const whole: string[] = [];
    for (const known of this.#tokens) {
      for (const form of wireForms(known)) (known.length >= MIN_REDACT_ANYWHERE ? anywhere : whole).push(form);
    }
    // Longest first, so a form is never cut short by one of its own prefixes;
    // `(?!)` (matches nothing) when there is none of a kind.
    const alternatives = (forms: string[]) => [...new Set(forms)].sort((a, b) => b.length - a.length).map(patternOf).join('|') || '(?!)';
    // "Whole": after the start, a non-alphanumeric or a percent escape (`%3D` in
    // a URL inside a URL); before a non-alphanumeric or the end. No lookbehind
    // (older Safari lacks it): what comes before is captured ($1) and put back.
    this.#pattern = new RegExp(`(?:${alternatives(anywhere)})|(^|%[0-9A-Fa-f]{2}|[^A-Za-z0-9])(?:${alternatives(whole)})(?![A-Za-z0-9])`, 'g');
  }

  redact(text: string): string {
    // `$1` is empty for a match of the "anywhere" part.
    return text.replace(this.#pattern, `$1${REDACTED}`);
  }
}
