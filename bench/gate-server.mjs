// Child process of the gate bench: a server on 127.0.0.1 in its own process
// (its own core), so that the 1,000 clients in the parent do not share its
// event loop. argv[2]: 'gate' (authsocket/server's createAuthGate in front of
// the endpoint, every carrier on) or 'plain' (a bare `ws` server, no auth: the
// baseline). Each delivered socket gets `{"type":"welcome"}`.
// Prints `{"port":N}` on stdout once listening; exits when stdin closes.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';

const [mode, token, origin, serverModule] = process.argv.slice(2);
const http = createServer((_req, res) => res.writeHead(404).end());
const welcome = (socket) => {
  socket.on('error', () => {});
  socket.send('{"type":"welcome"}');
};

if (mode === 'gate') {
  const { createAuthGate } = await import(pathToFileURL(serverModule).href);
  const gate = createAuthGate({
    origins: [origin],
    carriers: ['header', 'subprotocol', 'query', 'cookie', 'message'],
    verify: async (presented) => (presented === token ? { id: 'bench-user' } : null),
  });
  gate.on('connection', welcome);
  gate.attach(http);
} else {
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    wss.handleUpgrade(req, socket, head, welcome);
  });
}

// A backlog above the burst size: with Node's default (511) a burst of 1,000
// overflows the accept queue and the kernel's 1 s SYN retry would be measured.
http.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.stdout.write(`${JSON.stringify({ port: http.address().port })}\n`));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
