// The server quickstart: serves the page, issues single-use tickets and
// authenticates the WebSocket at /live. Plain Node ESM, no build step:
//   node examples/quickstart/server.mjs      (PORT=9000 picks the port)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createAuthGate, createTicketStore, Forbidden } from 'authsocket/server';

const port = Number(process.env.PORT) || 8080;
const page = readFileSync(new URL('index.html', import.meta.url));
// The CDN build, from the installed package (or use the unpkg URL in index.html).
const pkg = dirname(createRequire(import.meta.url).resolve('authsocket/package.json'));
const client = readFileSync(join(pkg, 'dist/authsocket.min.js'));

// Stand-in for your existing login: each visitor of the page is a guest with an
// HttpOnly session cookie; POST /logout ends it. Use your own session check here.
/** @type {Map<string, string>} session id → user id */
const sessions = new Map();
/** @param {import('node:http').IncomingMessage} req */
const sessionId = (req) => /(?:^|;\s*)session=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
/** @param {import('node:http').IncomingMessage} req */
const currentUser = (req) => sessions.get(sessionId(req));
/** @type {Set<string>} user ids refused with 4403 */
const banned = new Set();

// 1. Single-use tickets, issued behind your HTTP auth; valid 30 s.
/** @type {import('authsocket/server').TicketStore<string>} */
const tickets = createTicketStore({ ttl: 30_000 });

const server = createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/ws-ticket') {
    const userId = currentUser(req);
    if (!userId) return void res.writeHead(401).end(); // logged out
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    return void res.end(JSON.stringify({ ticket: await tickets.issue(userId) }));
  }
  if (req.method === 'POST' && req.url === '/logout') {
    sessions.delete(sessionId(req));
    return void res.writeHead(204).end();
  }
  if (req.method === 'GET' && req.url === '/') {
    if (!currentUser(req)) {
      const id = randomUUID();
      sessions.set(id, `guest-${id.slice(0, 4)}`);
      res.setHeader('set-cookie', `session=${id}; Path=/; HttpOnly; SameSite=Strict`);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return void res.end(page);
  }
  if (req.method === 'GET' && req.url === '/authsocket.min.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
    return void res.end(client);
  }
  res.writeHead(404).end();
});

// 2. The gate in front of the WebSocket endpoint.
const gate = createAuthGate({
  origins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`], // the pages allowed to connect
  verify: async (ticket) => {
    const userId = await tickets.redeem(ticket); // once; then null → close 4401
    if (userId && banned.has(userId)) throw new Forbidden('account suspended'); // → close 4403
    return userId;
  },
  ack: true, // first frame {"type":"auth_ok"}: the client's `open` means "ticket accepted"
  path: '/live', // without it, attach() takes every upgrade on the server
});
gate.attach(server);

// 3. Only authenticated sockets get here.
gate.on('connection', (socket, userId) => {
  socket.on('message', (data) => {
    let msg;
    try { msg = JSON.parse(String(data)); } catch { return socket.close(1007, 'JSON only'); }
    // Answer JSON: the client's default codec decodes every frame as JSON.
    if (msg.type === 'say') socket.send(JSON.stringify({ type: 'chat', from: userId, text: String(msg.text) }));
  });
});
gate.on('refused', ({ status, code, reason, carrier, origin }) => {
  console.info('ws refused', { status, code, reason, carrier, origin }); // no credential in here
});

server.listen(port, '127.0.0.1', () => console.log(`quickstart: open http://localhost:${port}/`));
