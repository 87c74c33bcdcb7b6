import { encodeBase64Url } from './base64url.ts';

const REDACTED = '[redacted]';

/**
 * Remembers the credentials in use so that any text leaving the client (debug
 * lines, error messages, close reasons) can be scrubbed of them, in every form
 * a carrier puts on the wire.
 */
export class SecretRedactor {
  #secrets = new Set<string>();

  remember(token: string): void {
    if (token.length < 4) return; // too short to scrub without mangling ordinary text
    for (const form of [token, encodeBase64Url(token), encodeURIComponent(token)]) this.#secrets.add(form);
    // Keep the last few tokens only: old ones are no longer sent anywhere.
    while (this.#secrets.size > 12) this.#secrets.delete(this.#secrets.values().next().value!);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.#secrets) result = result.split(secret).join(REDACTED);
    return result;
  }
}
