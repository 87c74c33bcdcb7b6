// A node:http server with the gate (the built authsocket/server) and `ws`
// unchanged, for Bun and Deno to run. Allowed origin from AUTHSOCKET_ORIGIN;
// prints {"port":N} once listening; the token 'good' is alice, 'banned' is
// Forbidden (4403), anything else 4401.
import { createServer } from 'node:http';
import { createAuthGate, Forbidden } from '../../dist/server.js';

const gate = createAuthGate({
  origins: [process.env.AUTHSOCKET_ORIGIN],
  verify: (token) => {
    if (token === 'banned') throw new Forbidden('banned');
    return token === process.env.AUTHSOCKET_TOKEN ? 'alice' : null;
  },
});
gate.on('connection', (socket, user) => socket.send(JSON.stringify({ type: 'welcome', user })));
const server = createServer((_req, res) => res.writeHead(404).end());
gate.attach(server);
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
