// The demo server: one Node http server on 127.0.0.1 that serves the demo page,
// a ticket endpoint, the WebSocket endpoint (behind authsocket/server's gate)
// and a few "misbehave" controls. Page and socket share one host, so the cookie
// carrier works too.
//
// Everything here is plain Node + `ws` (through the gate). Read it top to bottom:
//   1. tickets      POST /api/ticket            → { token, expiresAt? }
//   2. the gate     GET  /ws (upgrade)          → Origin check, credential, verify
//   3. the app      chat, pong, presence, in-place re-auth frames
//   4. the wire     GET  /api/wire?client=ID    → each handshake as it crossed the wire, in order, REDACTED
//   5. controls     POST /api/control/<action>?client=ID
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuthGate, createTicketStore } from '../dist/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const PARAM = 'access_token';
const PREFIX = 'base64url.bearer.';
const COOKIE = 'ws_token';
const APP_PROTOCOL = 'demo.chat.v1';
const TICKET_TTL = 30_000;
const RESTART_DOWNTIME = 3_000;
const REDACTED = '‹redacted›';

const files = {
  '/': 'demo/public/index.html',
  '/app.js': 'demo/public/app.js',
  '/style.css': 'demo/public/style.css',
  '/dist/authsocket.js': 'dist/authsocket.js',
  '/dist/authsocket.js.map': 'dist/authsocket.js.map',
  '/dist/authsocket.min.js': 'dist/authsocket.min.js', // examples/script-tag: the production build, as from a CDN
  '/dist/authsocket.min.js.map': 'dist/authsocket.min.js.map',
};
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

/**
 * Starts the demo server. `port` 0 picks a free port.
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function startDemoServer({ port = 0, host = '127.0.0.1' } = {}) {
  /** @type {import('../dist/server.js').TicketStore<{ client?: string, name: string, expiresAt?: number }>} */
  const tickets = createTicketStore({ ttl: TICKET_TTL });
  /** Per browser tab (client id): its handshakes, newest first. */
  const tabs = new Map();
  /** Per accepted socket: who and until when. */
  const sessions = new Map();
  /** Per upgrade request: what crossed the wire. */
  const wire = new WeakMap();
  let down = false;

  const tab = (client) => {
    if (!tabs.has(client)) tabs.set(client, { handshakes: [] });
    return tabs.get(client);
  };

  // ── 1. tickets ───────────────────────────────────────────────────────────
  // In a real app this endpoint sits behind your normal HTTP login. Here the
  // page says who it is. A ticket is single use and valid 30 s; `lifetime` is
  // how long the *session* it opens may last (0: no expiry).
  async function issueTicket(req, res) {
    const body = await readJson(req);
    const client = typeof body.client === 'string' && /^[\w-]{1,64}$/.test(body.client) ? body.client : undefined;
    const name = String(body.name ?? 'guest').slice(0, 24) || 'guest';
    const lifetime = Number(body.lifetime) > 0 ? Math.min(Number(body.lifetime), 3_600_000) : 0;
    const expiresAt = lifetime ? Date.now() + lifetime : undefined;
    const token = await tickets.issue({ client, name, expiresAt });
    sendJson(res, 200, expiresAt ? { token, expiresAt } : { token });
  }

  // ── 2. the gate ──────────────────────────────────────────────────────────
  let origins = [];
  const gate = createAuthGate({
    carriers: ['subprotocol', 'query', 'cookie', 'message'],
    // The gate's first frame on every admitted socket is {"type":"auth_ok"} (the client's
    // `auth: { ack: true }` waits for it), so `open` means "credential accepted" for every carrier.
    ack: true,
    origins: (origin) => origin !== undefined && origins.includes(origin),
    protocols: [APP_PROTOCOL],
    param: PARAM,
    prefix: PREFIX,
    cookie: COOKIE,
    // Who the user is, for revoke() and in-place re-authentication: the name the tab chose.
    key: (user) => user.name,
    verify: async (token, req, { carrier }) => {
      const record = wire.get(req);
      if (record) {
        record.carrier = carrier;
        record.secrets.push(token);
        // The message carrier's credential arrives after the 101, as the first frame. Later
        // auth frames on the same socket (in-place refresh) get a wire entry of their own.
        if (carrier === 'message' && !record.firstFrame) {
          record.firstFrame = true;
          record.events.push(`→ first frame: ${JSON.stringify({ type: 'auth', token: REDACTED })}`);
        }
      }
      const subject = await tickets.redeem(token); // once; a replayed ticket → null → 4401
      if (!subject) return null;
      // A ticket is bound to the tab that asked for it (two tabs of one browser share cookies).
      if (subject.client !== undefined && subject.client !== clientOf(req)) return null;
      return { ...subject, carrier };
    },
  });

  gate.on('refused', ({ status, code, reason, carrier, req }) => {
    const record = wire.get(req);
    if (!record) return;
    if (carrier) record.carrier = carrier;
    record.stopWatching?.();
    record.events.push(status ? `✗ refused: HTTP ${status} (${reason})` : `✗ server closed ${code} "${reason}"`);
  });
  gate.on('error', (error) => console.error('[demo] gate error:', error instanceof Error ? error.message : error));

  // ── 3. the app ───────────────────────────────────────────────────────────
  gate.on('connection', (ws, user, req) => {
    const client = clientOf(req);
    const record = wire.get(req);
    const session = { ws, client, name: user.name, carrier: user.carrier, silent: false, expiryTimer: undefined, record };
    sessions.set(ws, session);
    record?.stopWatching?.();
    ws.on('close', (code, reason) => {
      record?.events.push(`· closed ${code}${reason.length ? ` "${reason}"` : ''}${session.closedBy ? ` (by ${session.closedBy})` : ''}`);
    });
    armExpiry(session, user.expiresAt);

    ws.on('message', (data, isBinary) => {
      if (session.silent) return;
      let msg;
      try {
        msg = JSON.parse(isBinary ? '' : String(data));
      } catch {
        return;
      }
      if (msg?.type === 'ping') return ws.send(JSON.stringify({ type: 'pong' }));
      if (msg?.type === 'chat' && typeof msg.text === 'string') {
        // A shared connection carries the messages of several tabs, authenticated as the
        // leading tab: each message says which tab wrote it (`tab`), and over whose connection.
        const tab = session.client === 'shared' && typeof msg.tab === 'string' && msg.tab ? msg.tab.slice(0, 24) : session.name;
        return broadcast({ type: 'chat', from: tab, via: session.name, text: msg.text.slice(0, 500), at: Date.now() });
      }
    });
    ws.on('close', () => {
      clearTimeout(session.expiryTimer);
      sessions.delete(ws);
      broadcastPresence();
    });

    ws.send(JSON.stringify({ type: 'welcome', name: session.name, carrier: session.carrier, protocol: ws.protocol, expiresAt: user.expiresAt ?? null }));
    broadcastPresence();
  });

  // The server enforces the session lifetime: without a refresh, 4401 at expiry.
  function armExpiry(session, expiresAt) {
    clearTimeout(session.expiryTimer);
    session.expiresAt = expiresAt;
    if (!expiresAt) return;
    session.expiryTimer = setTimeout(() => {
      session.closedBy = 'the server: session expired';
      session.ws.close(4401, 'token expired');
    }, Math.max(0, expiresAt - Date.now()));
  }

  // `auth.refresh: 'in-place'` (message carrier): the gate verified a new auth
  // frame on the live socket and answered auth_ok; the session lives on.
  gate.on('reauthenticated', (ws, user) => {
    const session = sessions.get(ws);
    if (!session) return;
    armExpiry(session, user.expiresAt);
    if (!session.client) return;
    tab(session.client).handshakes.unshift({
      at: Date.now(),
      kind: 'in-place re-authentication (a frame on the open socket)',
      carrier: 'message',
      lines: [`→ frame: ${JSON.stringify({ type: 'auth', token: REDACTED })}`],
      events: ['← {"type":"auth_ok"} · session extended'],
      secrets: [],
    });
  });

  function broadcast(msg) {
    const frame = JSON.stringify(msg);
    for (const session of sessions.values()) if (!session.silent) session.ws.send(frame);
  }

  function broadcastPresence() {
    const online = [...new Set([...sessions.values()].map((s) => s.name))].sort();
    broadcast({ type: 'presence', online });
  }

  // ── 4. the wire ──────────────────────────────────────────────────────────
  // What the server saw in each handshake, with every credential replaced, and
  // what it answered, in the order it happened: the 101 (or an HTTP refusal),
  // the first-message auth frame, the gate's auth_ok/auth_error, the close.
  function recordHandshake(req, socket) {
    const client = clientOf(req);
    if (!client) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const secrets = [];
    if (url.searchParams.has(PARAM)) {
      secrets.push(url.searchParams.get(PARAM));
      url.searchParams.set(PARAM, 'REDACTED');
    }
    const path = `${url.pathname}${url.search}`.replace('REDACTED', REDACTED);
    const protocols = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',').map((entry) => entry.trim()).filter(Boolean)
      .map((entry) => {
        if (!entry.startsWith(PREFIX)) return entry;
        secrets.push(entry, entry.slice(PREFIX.length));
        return PREFIX + REDACTED;
      });
    const cookies = (req.headers.cookie ?? '')
      .split(';').map((pair) => pair.trim()).filter(Boolean)
      .map((pair) => {
        const name = pair.split('=')[0];
        if (name === COOKIE) secrets.push(pair.slice(name.length + 1));
        return name === COOKIE ? `${name}=${REDACTED}` : `${name}=… (another cookie of this host, value hidden)`;
      });
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: ${req.headers.host ?? ''}`,
      `Origin: ${req.headers.origin ?? '(none)'}`,
      `Sec-WebSocket-Protocol: ${protocols.length ? protocols.join(', ') : '(none)'}`,
      `Cookie: ${cookies.length ? cookies.join('; ') : '(none)'}`,
    ];
    const record = { at: Date.now(), kind: 'handshake', carrier: undefined, lines, events: [], secrets };
    record.stopWatching = watchAnswers(socket, record.events);
    wire.set(req, record);
    const { handshakes } = tab(client);
    handshakes.unshift(record);
    handshakes.length = Math.min(handshakes.length, 8);
  }

  function wireFor(client) {
    const handshakes = tabs.get(client)?.handshakes ?? [];
    return handshakes.map(({ secrets, events, stopWatching, ...rest }) => {
      const record = { ...rest, lines: [...rest.lines, ...events] };
      // Belt and braces: whatever slipped through structural redaction.
      let text = JSON.stringify(record);
      for (const secret of secrets) if (secret && secret.length >= 8) text = text.split(secret).join(REDACTED);
      return JSON.parse(text);
    });
  }

  // ── 5. controls: act on the requesting tab's sockets ─────────────────────
  // Each control acts on one session; `closes` says whether it ends the connection
  // (then the wire view says the server closed it, because of a demo button).
  const controls = {
    drop: { closes: true, run: (s) => s.ws.terminate() },
    expire: { closes: true, run: (s) => s.ws.close(4401, 'token expired') },
    forbid: { closes: true, run: (s) => s.ws.close(4403, 'forbidden by the demo') },
    malformed: { closes: false, run: (s) => s.ws.send('{"type":"chat","text": this is not JSON') },
    silent: {
      closes: false,
      run: (s) => {
        // Half-open, as a dead peer looks to the client: nothing is answered or sent
        // any more. The close frame the client sends when its heartbeat gives up is
        // still read, so the wire view shows that close. Cut for real after a minute.
        s.silent = true;
        s.record?.events.push('· the server went silent: it answers nothing and sends nothing');
        setTimeout(() => s.ws.terminate(), 60_000).unref();
      },
    },
  };

  async function control(action, client, res) {
    if (action === 'restart') {
      sendJson(res, 200, { ok: true, downFor: RESTART_DOWNTIME });
      res.on('finish', () => setTimeout(restart, 50));
      return;
    }
    const control = Object.hasOwn(controls, action) ? controls[action] : undefined;
    if (!control) return sendJson(res, 404, { error: 'unknown action' });
    // The tab's newest connection: the one it uses (during a make-before-break switch the
    // old one lingers 1 s; acting on both would show each effect twice).
    const mine = [...sessions.values()].filter((s) => s.client === client && !s.silent).slice(-1);
    for (const session of mine) {
      if (control.closes) session.closedBy = 'the server: a demo button';
      control.run(session);
    }
    sendJson(res, 200, { ok: true, affected: mine.length });
  }

  // A real restart: every socket dies, the port refuses connections for 3 s.
  function restart() {
    if (down) return;
    down = true;
    console.log(`[demo] restarting: down for ${RESTART_DOWNTIME / 1000} s`);
    for (const ws of gate.clients) ws.terminate();
    server.close();
    server.closeAllConnections();
    setTimeout(() => {
      server.listen(port, host, () => {
        down = false;
        console.log('[demo] back up');
      });
    }, RESTART_DOWNTIME);
  }

  // ── http ─────────────────────────────────────────────────────────────────
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      if (req.method === 'POST' && url.pathname === '/api/ticket') return await issueTicket(req, res);
      if (req.method === 'GET' && url.pathname === '/api/wire') return sendJson(res, 200, { handshakes: wireFor(url.searchParams.get('client') ?? '') });
      const action = /^\/api\/control\/(\w+)$/.exec(url.pathname)?.[1];
      if (req.method === 'POST' && action) return await control(action, url.searchParams.get('client') ?? '', res);
      if (req.method === 'GET') return await serveFile(url.pathname, res);
      res.writeHead(405).end();
    } catch (error) {
      console.error('[demo]', error);
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws') return socket.destroy();
    recordHandshake(req, socket);
    gate.handleUpgrade(req, socket, head);
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = server.address().port;
  // The allowlist: this page's own origin (as localhost, or as 127.0.0.1).
  origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];

  return {
    url: `http://localhost:${port}/`,
    port,
    async close() {
      await gate.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveFile(pathname, res) {
  let file = files[pathname];
  // The examples are served too, so that they can use this server's tickets.
  if (!file && /^\/examples\/(script-tag|bundler)\//.test(pathname)) {
    file = pathname.endsWith('/') ? `${pathname.slice(1)}index.html` : pathname.slice(1);
  }
  const full = file && normalize(join(root, file));
  if (!full || !full.startsWith(join(root, file.split('/')[0]))) return void res.writeHead(404).end('not found');
  try {
    const body = await readFile(full);
    res.writeHead(200, { 'content-type': types[extname(full)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
}

/**
 * Watches what the server writes on an upgrade's socket until `stop()`: the
 * status line (+ the selected subprotocol) and the gate's auth frames, in order.
 * Only these fixed strings are copied out, never a frame's content.
 */
function watchAnswers(socket, events) {
  const write = socket.write;
  socket.write = function (chunk, ...rest) {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('latin1') : '';
    const status = /^HTTP\/1\.1 (\d{3}[^\r\n]*)/.exec(text);
    if (status) {
      const protocol = /\r\nSec-WebSocket-Protocol: ([^\r\n]*)/i.exec(text)?.[1];
      events.push(`← ${status[1]}${status[1].startsWith('101') ? ` · server selected Sec-WebSocket-Protocol: ${protocol ?? '(none)'}` : ''}`);
    }
    for (const frame of ['{"type":"auth_ok"}', '{"type":"auth_error"}']) if (text.includes(frame)) events.push(`← frame: ${frame}`);
    return write.call(this, chunk, ...rest);
  };
  const stop = () => {
    if (socket.write !== write) socket.write = write;
  };
  socket.once('close', stop);
  return stop;
}

function clientOf(req) {
  return new URL(req.url ?? '/', 'http://x').searchParams.get('client') ?? undefined;
}

async function readJson(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 4096) break;
  }
  try {
    return JSON.parse(body || '{}') ?? {};
  } catch {
    return {};
  }
}

function sendJson(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}
