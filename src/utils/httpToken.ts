/** RFC 7230 `token` characters: what a WebSocket subprotocol entry may contain. */
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/;

/** Whether `text` (possibly empty) uses only HTTP token characters. */
export const isHttpTokenText = (text: string): boolean => TOKEN_CHARS.test(text);

/** What to tell a user whose value is not an HTTP token. */
export const HTTP_TOKEN_HINT = "only letters, digits, and !#$%&'*+-.^_`|~";
