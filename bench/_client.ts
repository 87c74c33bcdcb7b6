import { pathToFileURL } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
const { AuthSocket } = await import(pathToFileURL('/work/main/dist/index.js').href);
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => (p.has('authsocket') ? 'authsocket' : false) });
await new Promise((r) => wss.once('listening', r));
const port = (wss.address() as any).port;
wss.on('connection', (ws, req) => {
  const resume = String(req.headers['sec-websocket-protocol']).includes('authsocket.resume');
  if (resume) ws.send('{"$":"session","id":"AbCdEfGhIjKlMnOpQrStUv","status":"new","received":0}');
  let n = 0;
  ws.on('message', (data, isBinary) => {
    const b = data as Buffer; if (b[0] === 0x7b && b[1] === 0x22 && b[2] === 0x24) { if (String(data).includes('"ask"')) ws.send(`{"$":"ack","n":${n}}`); return; }
    n++;
    ws.send(data, { binary: isBinary });
  });
});
async function rate(on: boolean, count: number) {
  const socket = new AuthSocket(`ws://127.0.0.1:${port}/`, { WebSocket, queue: { max: count + 10 }, auth: { via: 'subprotocol', token: 'tok' }, ...(on ? { resume: true } : {}) });
  await new Promise<void>((r) => socket.once('open', () => r()));
  const t = performance.now(); const c = process.cpuUsage();
  const done = new Promise<void>((r) => { let e = 0; socket.on('message', () => ++e === count && r()); });
  for (let i = 0; i < count; i++) socket.send({ type: 'n', n: i, text: 'the quick brown fox' });
  await done;
  const cpu = process.cpuUsage(c); const wall = performance.now() - t;
  socket.close();
  return { rate: count / (wall / 1000), cpuPerMsg: (cpu.user + cpu.system) / count };
}
const res: Record<string, { rate: number; cpuPerMsg: number }[]> = { off: [], on: [] };
await rate(false, 5000); await rate(true, 5000);
for (let i = 0; i < 10; i++) { const order = i % 2 ? [true, false] : [false, true]; for (const on of order) res[on ? 'on' : 'off']!.push(await rate(on, 20000)); }
const med = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
for (const k of ['off', 'on']) console.log('client-only', k, 'rate', Math.round(med(res[k]!.map((r) => r.rate))), 'cpu µs/msg', med(res[k]!.map((r) => r.cpuPerMsg)).toFixed(2));
process.exit(0);
