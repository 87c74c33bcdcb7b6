// Child process of the resume bench: a gate (src/server) on 127.0.0.1 whose
// app echoes every message, with `resume` on (argv[2] 'on') or off ('off').
// Prints `{"port":N}` once listening; exits when stdin closes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthGate } from '../src/server/index.ts';

const [mode, token, origin] = process.argv.slice(2);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
const gate = createAuthGate<string>({
  origins: [origin!],
  verify: (presented) => (presented === token ? 'bench' : null),
  resume: mode === 'on',
});
gate.on('connection', (socket) => {
  socket.on('message', (data: Buffer, isBinary: boolean) => socket.send(isBinary ? data : data.toString()));
});
const http = createServer((_req, res) => res.writeHead(404).end());
gate.attach(http);
http.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (http.address() as AddressInfo).port })}\n`));
