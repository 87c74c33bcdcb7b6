// Reading the credential that came with the upgrade request, carrier by
// carrier. Nothing here validates a token; it only finds one, and reports a
// request that carries an ambiguous or malformed one as invalid rather than
// guessing.
import { decodeBase64Url } from '../../utils/base64url.ts';
import type { Carrier } from './options.ts';
import type { GateRequest } from './runtime.ts';

export interface CredentialSettings {
  carriers: ReadonlySet<Carrier>;
  param: string;
  prefix: string;
  cookie: string;
}

export type Extracted =
  | { kind: 'none' }
  | { kind: 'found'; carrier: Carrier; token: string; username?: string }
  | { kind: 'invalid'; carrier: Carrier; reason: string };

type Probe = (req: GateRequest, settings: CredentialSettings, offered: readonly string[]) => Extracted;

// The contract's precedence when a request carries several credentials.
const PRECEDENCE: ReadonlyArray<[Carrier, Probe]> = [
  ['header', fromBearerHeader],
  ['basic', fromBasicHeader],
  ['subprotocol', fromSubprotocol],
  ['query', fromQuery],
  ['cookie', fromCookie],
];

/** The first credential found among the enabled upgrade carriers. */
export function extractCredential(req: GateRequest, settings: CredentialSettings, offered: readonly string[]): Extracted {
  for (const [carrier, probe] of PRECEDENCE) {
    if (!settings.carriers.has(carrier)) continue;
    const result = probe(req, settings, offered);
    if (result.kind !== 'none') return result;
  }
  return { kind: 'none' };
}

function found(carrier: Carrier, token: string): Extracted {
  return token === '' ? { kind: 'invalid', carrier, reason: 'empty credential' } : { kind: 'found', carrier, token };
}

function authorization(req: GateRequest, scheme: string): string | undefined {
  const match = /^([A-Za-z]+) +(.*)$/.exec(req.header('authorization') ?? '');
  return match && match[1].toLowerCase() === scheme ? match[2].trim() : undefined;
}

function fromBearerHeader(req: GateRequest): Extracted {
  const token = authorization(req, 'bearer');
  return token === undefined ? { kind: 'none' } : found('header', token);
}

function fromBasicHeader(req: GateRequest): Extracted {
  const encoded = authorization(req, 'basic');
  if (encoded === undefined) return { kind: 'none' };
  // Standard base64 (RFC 7617), UTF-8 as Chromium sends it.
  const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(encoded) ? decodeBase64(encoded) : '';
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'invalid', carrier: 'basic', reason: 'malformed basic credential' };
  const result = found('basic', decoded.slice(colon + 1));
  return result.kind === 'found' ? { ...result, username: decoded.slice(0, colon) } : result;
}

function fromSubprotocol(_req: GateRequest, { prefix }: CredentialSettings, offered: readonly string[]): Extracted {
  const entries = offered.filter((entry) => entry.startsWith(prefix));
  if (entries.length === 0) return { kind: 'none' };
  if (entries.length > 1) return { kind: 'invalid', carrier: 'subprotocol', reason: 'several token subprotocols' };
  const token = decodeBase64Url(entries[0].slice(prefix.length));
  return token === undefined
    ? { kind: 'invalid', carrier: 'subprotocol', reason: 'malformed token subprotocol' }
    : found('subprotocol', token);
}

function fromQuery(req: GateRequest, { param }: CredentialSettings): Extracted {
  let values: string[];
  try {
    values = new URL(req.url, 'http://gate.invalid').searchParams.getAll(param);
  } catch {
    return { kind: 'none' };
  }
  if (values.length === 0) return { kind: 'none' };
  if (values.length > 1) return { kind: 'invalid', carrier: 'query', reason: 'repeated query parameter' };
  return found('query', values[0]);
}

function fromCookie(req: GateRequest, { cookie }: CredentialSettings): Extracted {
  const values = cookieValues(req.header('cookie'), cookie);
  if (values.length === 0) return { kind: 'none' };
  // Cookie tossing: a page on a sibling subdomain can add its own cookie of
  // that name (with `domain=` and a longer `path`, so it is listed first), and
  // the victim's socket would be authenticated as the attacker. Nothing in the
  // header says which one is ours, so two are refused, like a repeated `param`.
  if (values.length > 1) return { kind: 'invalid', carrier: 'cookie', reason: 'repeated cookie' };
  try {
    return found('cookie', decodeURIComponent(values[0]));
  } catch {
    return { kind: 'invalid', carrier: 'cookie', reason: 'malformed cookie' };
  }
}

// Every value of the cookie `name`, in header order (RFC 6265 §5.4).
function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    values.push(value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);
  }
  return values;
}

// Standard base64 to UTF-8 text, lenient as Node's decoder is (a bad byte
// becomes U+FFFD): the password is then refused by `verify`, not here.
function decodeBase64(encoded: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0)));
  } catch {
    return '';
  }
}
