import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { startAckGate } from './ack-gate.ts';
import { TOKEN } from './server.ts';
const ORIGIN = 'http://127.0.0.1';
class OWS extends WebSocket { constructor(url: string, p?: any) { super(url, p, { origin: ORIGIN }); } }
const { AuthSocket } = await import(pathToFileURL('/work/main/dist/index.js').href);
const gates = { off: await startAckGate(ORIGIN), on: await startAckGate(ORIGIN, { ack: false, resume: true }) };
async function rate(on: boolean, count: number) {
  const gate = on ? gates.on : gates.off;
  const socket = new AuthSocket(`ws://127.0.0.1:${gate.port}/`, { WebSocket: OWS, queue: { max: count + 10 }, auth: { via: 'subprotocol', token: TOKEN, ...(on ? {} : { ack: true }) }, ...(on ? { resume: true } : {}) });
  await new Promise<void>((r) => socket.once('open', () => r()));
  const t = performance.now(); const c = process.cpuUsage();
  const done = new Promise<void>((r) => { let e = 0; socket.on('message', () => ++e === count && r()); });
  for (let i = 0; i < count; i++) socket.send({ type: 'n', n: i, text: 'the quick brown fox' });
  await done;
  const cpu = process.cpuUsage(c); const wall = performance.now() - t;
  socket.close();
  return { rate: count / (wall / 1000), cpuPerMsg: (cpu.user + cpu.system) / count };
}
const only = process.argv[3];
const res: Record<string, { rate: number; cpuPerMsg: number }[]> = { off: [], on: [] };
await rate(false, 5000); await rate(true, 5000);
for (let i = 0; i < Number(process.argv[2] ?? 9); i++) { if (only !== 'on') res.off.push(await rate(false, 20000)); if (only !== 'off') res.on.push(await rate(true, 20000)); }
const med = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
for (const k of ['off', 'on'].filter((k) => res[k]!.length)) console.log(k, 'rate', Math.round(med(res[k]!.map((r) => r.rate))), 'cpu µs/msg', med(res[k]!.map((r) => r.cpuPerMsg)).toFixed(2), res[k]!.map((r) => Math.round(r.rate)).join(' '));
process.exit(0);
