// A raw client of the resume wire for the gate's tests: it speaks exactly the
// frames docs/protocol.md describes (no authsocket client code), counts,
// keeps what the gate has not acknowledged, resends what the gate lacks, and
// records everything it was told.
import { WebSocket } from 'ws';
import { encodeBase64Url } from '../../src/utils/base64url.ts';
import { ORIGIN } from '../support/server-gate.ts';
import { within } from '../support/server-timeout.ts';

export interface SessionAnswer {
  $: 'session';
  id: string;
  status: 'new' | 'resumed' | 'lost';
  received: number;
}

export interface WireClientOptions {
  token?: string;
  /** Answer `ask` and acknowledge at most this long after a frame (ms); `false`: only when the test says. */
  ackWithin?: number | false;
}

export class WireClient {
  /** App frames received in the session so far (their text). */
  readonly inbox: string[] = [];
  /** Every session answer, in order. */
  readonly answers: SessionAnswer[] = [];
  /** Every ack the gate sent (its `n`), with when it arrived. */
  readonly acks: Array<{ n: number; at: number }> = [];
  /** Control frames other than session and ack (ask, pong…), as text. */
  readonly controls: string[] = [];
  session: string | undefined;
  /** App frames we sent in the session (numbered 1…). */
  sent = 0;
  /** Frames we sent and the gate has not acknowledged: [number, text]. */
  kept: Array<[number, string]> = [];
  ws: WebSocket | undefined;
  closed: Promise<{ code: number; reason: string }> | undefined;
  readonly #waiters = new Set<() => void>();
  #ackTimer: NodeJS.Timeout | undefined;

  constructor(readonly url: string, readonly options: WireClientOptions = {}) {}

  get received(): number {
    return this.inbox.length;
  }

  /** Connects, asking to start or continue; resolves with the gate's answer (resends done). */
  async connect(extraProtocols: string[] = []): Promise<SessionAnswer> {
    const entry = this.session === undefined ? 'authsocket.resume' : `authsocket.resume.${this.session}.${this.received}`;
    const ws = new WebSocket(this.url, ['authsocket', `base64url.bearer.${encodeBase64Url(this.options.token ?? 'good')}`, ...extraProtocols, entry], { origin: ORIGIN });
    this.ws = ws;
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => { resolve({ code, reason: reason.toString() }); this.#wake(); }));
    const answered = this.answers.length;
    ws.on('message', (data, isBinary) => this.#onFrame(ws, data.toString(), isBinary));
    await within(new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('close', () => reject(new Error('closed before open')));
    }), 5_000, 'open');
    await this.until(() => this.answers.length > answered, 5_000, 'session answer');
    return this.answers.at(-1)!;
  }

  /** Sends app frame text (kept until acknowledged). */
  send(text: string): void {
    this.sent += 1;
    this.kept.push([this.sent, text]);
    this.ws?.send(this.#wire(text));
  }

  ack(): void {
    this.ws?.send(JSON.stringify({ $: 'ack', n: this.received }));
  }

  ask(): void {
    this.ws?.send('{"$":"ask"}');
  }

  /** The app closes: `end`, then the close frame. */
  end(): void {
    this.ws?.send('{"$":"end"}');
    this.ws?.close(1000);
  }

  /** The connection breaks without a close frame. */
  drop(): void {
    this.ws?.terminate();
  }

  until(predicate: () => boolean, ms: number, what: string): Promise<void> {
    return within(new Promise<void>((resolve) => {
      const check = () => {
        if (!predicate()) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    }), ms, what);
  }

  #wire(text: string): string {
    return text.startsWith('{"$":') ? JSON.stringify({ $: 'msg', d: text }) : text;
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #onFrame(ws: WebSocket, text: string, isBinary: boolean): void {
    if (ws !== this.ws) return;
    if (isBinary || !text.startsWith('{"$":')) return this.#app(text);
    const frame = JSON.parse(text);
    if (frame.$ === 'session') {
      this.answers.push(frame);
      if (frame.status !== 'resumed') {
        // A new session: both counts restart; what the gate never acknowledged goes again (at least once).
        this.inbox.length = 0;
        this.kept = this.kept.map(([, body], i) => [i + 1, body]);
        this.sent = this.kept.length;
      } else {
        this.kept = this.kept.filter(([n]) => n > frame.received);
      }
      this.session = frame.id;
      for (const [, body] of this.kept) ws.send(this.#wire(body));
    } else if (frame.$ === 'ack') {
      this.acks.push({ n: frame.n, at: Date.now() });
      this.kept = this.kept.filter(([n]) => n > frame.n);
    } else if (frame.$ === 'msg') {
      return this.#app(frame.d);
    } else {
      this.controls.push(text);
      if (frame.$ === 'ask' && this.options.ackWithin !== false) this.ack();
    }
    this.#wake();
  }

  #app(text: string): void {
    this.inbox.push(text);
    const within = this.options.ackWithin;
    if (within !== false && within !== undefined) this.#ackTimer ??= setTimeout(() => { this.#ackTimer = undefined; this.ack(); }, within);
    this.#wake();
  }
}

/** What the app saw of one session on a test gate. */
export interface AppSession {
  socket: any;
  user: string;
  info: { session?: string; moved?: boolean } | undefined;
  /** App frames received, as text, in order. */
  messages: string[];
  /** 'connection', 'suspended', 'resumed', 'close <code> <reason>', in order. */
  events: string[];
}

export interface ResumeGate {
  gate: import('../../src/server/index.ts').AuthGate<string>;
  url: string;
  port: number;
  /** Sessions by id, in `connection` order (a lost session's new id is another entry). */
  sessions: Map<string, AppSession>;
  connections: number;
  close(): Promise<void>;
}

/** A gate with `resume` whose app records every session; tokens `good` → alice, `bob` → bob. */
export async function startResumeGate(options: Partial<import('../../src/server/index.ts').AuthGateOptions<string>> = {}, port = 0, serve?: (socket: any, info: { session: string; moved?: boolean }) => void): Promise<ResumeGate> {
  const { createServer } = await import('node:http');
  const { createAuthGate } = await import('../../src/server/index.ts');
  const gate = createAuthGate<string>({
    origins: [ORIGIN],
    verify: (token) => (token === 'good' ? 'alice' : token === 'bob' ? 'bob' : null),
    resume: true,
    ...options,
  });
  const sessions = new Map<string, AppSession>();
  const state = { connections: 0 };
  gate.on('connection', (socket, user, _req, info) => {
    state.connections += 1;
    const app: AppSession = { socket, user, info, messages: [], events: ['connection'] };
    sessions.set(info?.session ?? `plain-${state.connections}`, app);
    socket.on('message', (data: Buffer) => app.messages.push(data.toString()));
    socket.on('suspended' as never, () => app.events.push('suspended'));
    socket.on('resumed' as never, () => app.events.push('resumed'));
    socket.on('close', (code: number, reason: Buffer) => app.events.push(`close ${code} ${reason}`));
    if (info?.session && serve) serve(socket, { session: info.session, moved: info.moved });
  });
  const server = createServer((_req, res) => res.writeHead(404).end());
  gate.attach(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  port = (server.address() as import('node:net').AddressInfo).port;
  return {
    gate,
    url: `ws://127.0.0.1:${port}/`,
    port,
    sessions,
    get connections() { return state.connections; },
    async close() {
      await gate.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
