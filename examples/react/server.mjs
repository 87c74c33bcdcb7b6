// The example's server: the page, a ticket endpoint, and the WebSocket endpoint
// behind authsocket/server's gate. It relays chat lines to every socket.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createAuthGate, createTicketStore } from 'authsocket/server';

const page = new URL('./index.html', import.meta.url);
const bundle = new URL('./dist/main.js', import.meta.url);

export async function startExampleServer({ port = 0, host = '127.0.0.1' } = {}) {
  const tickets = createTicketStore({ ttl: 30_000 });
  let origins = [];
  const gate = createAuthGate({
    carriers: ['subprotocol'],
    origins: (origin) => origins.includes(origin),
    verify: (ticket) => tickets.redeem(ticket), // a user name, or null → close 4401
  });
  const sockets = new Set();
  const broadcast = (msg) => sockets.forEach((ws) => ws.send(JSON.stringify(msg)));
  let guests = 0;

  gate.on('connection', (ws, user) => {
    sockets.add(ws);
    broadcast({ type: 'presence', online: sockets.size });
    ws.on('message', (data) => {
      let msg;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return; // not JSON: ignored
      }
      if (msg?.type === 'chat') broadcast({ type: 'chat', from: user, text: String(msg.text).slice(0, 500) });
    });
    ws.on('close', () => {
      sockets.delete(ws);
      broadcast({ type: 'presence', online: sockets.size });
    });
  });

  const server = createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/api/ticket') {
      // Your normal login decides who this is; here, a new guest each time.
      return res.end(await tickets.issue(`guest-${++guests}`));
    }
    const file = { '/': page, '/main.js': bundle }[req.url];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': req.url === '/' ? 'text/html' : 'text/javascript' });
    res.end(await readFile(file));
  });
  server.on('upgrade', (req, socket, head) => gate.handleUpgrade(req, socket, head));
  await new Promise((resolve) => server.listen(port, host, resolve));
  port = server.address().port;
  origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  return {
    url: `http://localhost:${port}/`,
    async close() {
      await gate.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
