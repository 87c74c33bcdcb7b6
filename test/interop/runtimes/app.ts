// The test app every runtime fixture serves, runtime-neutral: which tokens
// get in, which path has `ack`, and a record of what `verify` saw.
//   `a+b c%2F;é` (TOKEN) → alice · `brief` → bob, whose credential ends 1 s
//   after it was verified · `carol` → carol, whose session's `connection`
//   listener throws · `banned` → Forbidden (4403) · anything else → 4401.
//   /live: the gate; /ack: the gate with `ack: true`; /late: the gate whose
//   Origin check takes 300 ms; GET /verified: the tokens `verify` was called
//   with, as JSON; POST /revoke?key=K: revoke K on every gate, answers how many
//   sockets closed. /resume: the gate with `resume: true` (sessions in memory),
//   serving the resume tests' app (test/server/resume-app.ts); /resume-brief:
//   the same with a session window of 500 ms; GET /sessions: each session's
//   events at the app, as JSON. /closable: a plain gate that POST
//   /closable/close closes (answered once `gate.close()` resolved).
// On admission the app sends {type:'welcome', user} and echoes every frame
// as {type:'echo', data}.
import { memoryAppState, serveSession } from '../../server/resume-app.ts';

export const TOKEN = 'a+b c%2F;é';
export const BRIEF_MS = 1_000;
/** The session window of /resume-brief. */
export const RESUME_WINDOW_MS = 500;

/** The gate options the test app uses (a subset of every entry's). */
export interface AppOptions {
  origins: string[] | ((origin: string | undefined) => Promise<boolean>);
  verify(token: string): Promise<string | null>;
  expiresAt(user: string): number | undefined;
  ack?: boolean;
  resume?: boolean | { window: number };
}

/** What a fixture needs from its runtime's entry. */
export interface Entry<Gate> {
  createAuthGate(options: AppOptions): Gate;
  Forbidden: new (message?: string) => Error;
}

export interface TestGates<Gate> {
  live: Gate;
  ack: Gate;
  late: Gate;
  resume: Gate;
  resumeBrief: Gate;
  closable: Gate;
  verified: string[];
  /** Per session id, what its session socket did at the app: `connection`, `suspended`, `resumed`, `close <code> <reason>`. */
  sessions: Record<string, string[]>;
}

/** The session socket as the app uses it (the same on every runtime). */
interface SessionSocket {
  readonly readyState: number;
  send(data: string): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
}
type OnSession = (event: 'connection', listener: (socket: SessionSocket, user: unknown, req: unknown, info?: { session?: string; moved?: boolean }) => void) => unknown;

/** Serves each session of `gate` with the resume tests' app, logging its events in `sessions`. */
function serveSessions(gate: unknown, sessions: Record<string, string[]>): void {
  const state = memoryAppState();
  (gate as { on: OnSession }).on('connection', (socket, user, _req, info) => {
    const id = info?.session ?? 'none: the gate gave a plain socket';
    const log = (sessions[id] ??= []);
    log.push('connection');
    socket.on('suspended', () => log.push('suspended'));
    socket.on('resumed', () => log.push('resumed'));
    socket.on('close', (code: number, reason: unknown) => log.push(`close ${code} ${String(reason)}`));
    if (user === 'carol') throw new Error('the app failed');
    serveSession(socket, id, state, info?.moved === true);
  });
}

/** The gates (plain, `ack`, late Origin check) and the `verify` record, for origins `origins`. */
export function testGates<Gate>(entry: Entry<Gate>, origins: string[]): TestGates<Gate> {
  const verified: string[] = [];
  const options: AppOptions = {
    origins,
    verify: async (token: string) => {
      verified.push(token);
      if (token === 'banned') throw new entry.Forbidden('banned');
      if (token === 'slow') await new Promise((resolve) => setTimeout(resolve, 300));
      return token === TOKEN || token === 'slow' ? 'alice' : token === 'brief' ? 'bob' : token === 'carol' ? 'carol' : null;
    },
    expiresAt: (user: string) => (user === 'bob' ? Date.now() + BRIEF_MS : undefined),
  };
  const lateOrigins = async (origin: string | undefined) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return origins.includes(origin!);
  };
  const sessions: Record<string, string[]> = {};
  const resume = entry.createAuthGate({ ...options, resume: true });
  const resumeBrief = entry.createAuthGate({ ...options, resume: { window: RESUME_WINDOW_MS } });
  for (const gate of [resume, resumeBrief]) serveSessions(gate, sessions);
  return {
    live: entry.createAuthGate(options),
    ack: entry.createAuthGate({ ...options, ack: true }),
    late: entry.createAuthGate({ ...options, origins: lateOrigins }),
    resume,
    resumeBrief,
    closable: entry.createAuthGate(options),
    verified,
    sessions,
  };
}

/** Routes a request: upgrades on <prefix>/live, /ack, /late, /resume, /resume-brief and /closable to their gate, GET <prefix>/verified and /sessions to the records, else 404. */
export function route<Gate extends { revoke(key: string): Promise<number>; close(): Promise<void> }>(
  gates: TestGates<Gate>,
  req: Request,
  handle: (gate: Gate) => Promise<Response | undefined>,
  prefix = '',
): Promise<Response | undefined> | Response {
  const pathname = new URL(req.url).pathname.slice(prefix.length);
  if (pathname === '/verified') return Response.json(gates.verified);
  if (pathname === '/sessions') return Response.json(gates.sessions);
  if (pathname === '/revoke' && req.method === 'POST') {
    const key = new URL(req.url).searchParams.get('key') ?? '';
    return Promise.all([gates.live, gates.ack, gates.late, gates.resume, gates.resumeBrief].map((gate) => gate.revoke(key)))
      .then((counts) => Response.json(counts.reduce((sum, count) => sum + count, 0)));
  }
  if (pathname === '/live') return handle(gates.live);
  if (pathname === '/ack') return handle(gates.ack);
  if (pathname === '/late') return handle(gates.late);
  if (pathname === '/resume') return handle(gates.resume);
  if (pathname === '/resume-brief') return handle(gates.resumeBrief);
  if (pathname === '/closable') return handle(gates.closable);
  if (pathname === '/closable/close' && req.method === 'POST') return gates.closable.close().then(() => Response.json('closed'));
  return new Response('not found', { status: 404 });
}

export const welcome = (user: unknown) => JSON.stringify({ type: 'welcome', user });
export const echo = (data: unknown) => JSON.stringify({ type: 'echo', data: typeof data === 'string' ? data : '<binary>' });
