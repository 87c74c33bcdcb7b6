// A bundled app: `import { AuthSocket } from 'authsocket'`, typed messages both ways.
// It talks to the demo server (`npm start`), which also serves this page.
import { AuthSocket, type AuthSocketError } from 'authsocket';

/** What the server sends. */
type ServerMsg =
  | { type: 'welcome'; name: string; carrier: string; protocol: string; expiresAt: number | null }
  | { type: 'chat'; from: string; text: string; at: number }
  | { type: 'presence'; online: string[] };

/** What this app sends. */
type ClientMsg = { type: 'chat'; text: string };

const output = document.querySelector<HTMLPreElement>('#output')!;
const print = (line: string) => {
  output.textContent += `${line}\n`;
};

// A fresh single-use ticket before every connection attempt. In a real app the
// ticket endpoint sits behind your normal HTTP login (session cookie).
async function fetchTicket(): Promise<{ token: string; expiresAt?: number }> {
  const response = await fetch('/api/ticket', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bundled-app', lifetime: 60_000 }),
  });
  if (!response.ok) throw new Error(`ticket endpoint answered ${response.status}`);
  return response.json();
}

const socket = new AuthSocket<ServerMsg, ClientMsg>('/ws', {
  protocols: ['demo.chat.v1'],
  auth: { via: 'subprotocol', token: fetchTicket }, // expiresAt → re-authenticates before expiry
  heartbeat: { interval: 15_000, timeout: 5_000 },
});

socket.on('state', ({ from, to }) => print(`state ${from} → ${to}`));
socket.on('reconnecting', ({ attempt, delay }) => print(`retry ${attempt} in ${delay} ms`));
socket.on('reauthenticated', ({ via }) => print(`re-authenticated (${via})`));
socket.on('error', (error: AuthSocketError) => print(`error ${error.code}: ${error.message}`));
socket.on('message', (msg) => {
  // `msg` is ServerMsg: the switch narrows it.
  switch (msg.type) {
    case 'welcome':
      return print(`welcome ${msg.name} (via ${msg.carrier})`);
    case 'chat':
      return print(`${msg.from}: ${msg.text}`);
    case 'presence':
      return print(`online: ${msg.online.join(', ')}`);
  }
});

// Sent once authenticated: queued until then, in order.
socket.send({ type: 'chat', text: 'hello from the bundled example' });
await socket.ready();
print('ready');
