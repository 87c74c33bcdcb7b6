// Child process of the gate bench: a server on 127.0.0.1 in its own process
// (its own core), so that the clients in the parent do not share its event
// loop. argv[2]: 'gate' (authsocket/server's createAuthGate in front of the
// endpoint, every carrier on) or 'plain' (a bare `ws` server, no auth: the
// baseline); then argv: token, origin, server module, and the gate's `limits`
// as JSON. Each delivered socket gets `{"type":"welcome"}`. A token is the
// bench token, optionally followed by `-<user>`: each user its own key.
// Prints `{"port":N}` on stdout once listening; on a `measure` line on stdin
// (run with --expose-gc) it prints `{"heapUsed":bytes,"cpuMicros":µs}` after
// a full GC; exits when stdin closes.
//
// argv[2] 'clients' instead: a client process (argv: port, count, token,
// origin) that opens `count` query-carrier sockets, 500 at a time, prints
// `{"open":count,"ms":N}` once every welcome arrived, and keeps them open
// until stdin closes (a process may hold only so many sockets).
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';

const [mode, ...rest] = process.argv.slice(2);
process.stdin.on('end', () => process.exit(0));

if (mode === 'clients') {
  const [port, count, token, origin] = rest;
  const started = performance.now();
  const sockets = [];
  const open = (i) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?access_token=${token}-${i}`, { origin, perMessageDeflate: false });
    sockets.push(ws);
    ws.on('error', reject);
    ws.once('message', () => resolve());
  });
  for (let next = 0; next < Number(count);) {
    const batch = [];
    for (let i = 0; i < 500 && next < Number(count); i++) batch.push(open(next++));
    await Promise.all(batch);
  }
  process.stdout.write(`${JSON.stringify({ open: sockets.length, ms: performance.now() - started })}\n`);
  process.stdin.resume();
} else {
  const [token, origin, serverModule, limits] = rest;
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
      verify: async (presented) => (presented === token || presented.startsWith(`${token}-`) ? { id: presented } : null),
      limits: JSON.parse(limits),
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
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line !== 'measure') return;
    globalThis.gc?.();
    globalThis.gc?.();
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, cpuMicros: user + system })}\n`);
  });
}
