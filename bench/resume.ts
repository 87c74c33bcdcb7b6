// What `resume` costs the gate: echo throughput of one connection (the client
// sends `messages` small text messages, at most `window` unanswered at a time,
// and counts the echoes), against a gate with `resume` off and on, in its own
// process. With `resume` the client speaks the wire: it asks for a session,
// and acknowledges the gate's frames every second and when asked, as the
// authsocket client does; the gate counts, keeps until acknowledged, and
// acknowledges in turn. Runs alternate off/on; medians.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ROOT } from './paths.ts';
import { TOKEN } from './server.ts';
import { log, summarize, within, type Summary } from './lib.ts';

const ORIGIN = 'http://app.bench.test';

export interface ResumeResults {
  messages: number;
  window: number;
  off: Summary;
  on: Summary;
  /** Median messages/s with resume on ÷ off. */
  ratio: number;
  runs: { off: number[]; on: number[] };
}

async function startGate(mode: 'on' | 'off'): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'resume-server.ts'), mode, TOKEN, ORIGIN], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await within(new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk) => resolve(JSON.parse(String(chunk)).port));
    child.once('exit', (code) => reject(new Error(`resume bench server exited (${code})`)));
  }), 20_000, `resume ${mode} server start`);
  return { port, child };
}

async function stopGate(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin!.end();
  await within(exited, 5_000, 'resume bench server exit').catch(() => child.kill('SIGKILL'));
}

/** Messages per second echoed over one connection. */
async function echoRate(port: number, resume: boolean, messages: number, window: number): Promise<number> {
  const protocols = ['authsocket', `base64url.bearer.${Buffer.from(TOKEN).toString('base64url')}`, ...(resume ? ['authsocket.resume'] : [])];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, protocols, { origin: ORIGIN, perMessageDeflate: false });
  let received = 0;
  let echoed = 0;
  let sent = 0;
  let ackTimer: NodeJS.Timeout | undefined;
  const ack = () => {
    clearTimeout(ackTimer);
    ackTimer = undefined;
    ws.send(`{"$":"ack","n":${received}}`);
  };
  const ready = new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    if (!resume) ws.once('open', () => resolve());
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0x7b && data[1] === 0x22 && data[2] === 0x24) {
        const frame = data.toString();
        if (frame.startsWith('{"$":"session"')) resolve();
        else if (frame === '{"$":"ask"}') ack();
        return;
      }
      received += 1;
      if (resume) ackTimer ??= setTimeout(ack, 1_000);
      echoed += 1;
      pump();
      if (echoed === messages) finish();
    });
  });
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const pump = () => {
    while (sent < messages && sent - echoed < window) ws.send(`m${sent++}`);
  };
  await within(ready, 10_000, 'resume bench connection');
  const started = performance.now();
  pump();
  await within(done, 120_000, 'resume bench echoes');
  const rate = messages / ((performance.now() - started) / 1000);
  clearTimeout(ackTimer);
  ws.close();
  return rate;
}

export async function runResume(messages: number, runs: number, window = 100): Promise<ResumeResults> {
  const off = await startGate('off');
  const on = await startGate('on');
  const rates = { off: [] as number[], on: [] as number[] };
  try {
    // A warm-up run each, then alternate so that drift on a shared machine hits both alike.
    await echoRate(off.port, false, Math.min(messages, 10_000), window);
    await echoRate(on.port, true, Math.min(messages, 10_000), window);
    for (let run = 0; run < runs; run++) {
      rates.off.push(await echoRate(off.port, false, messages, window));
      rates.on.push(await echoRate(on.port, true, messages, window));
      log(`resume throughput run ${run + 1}/${runs}: off ${Math.round(rates.off.at(-1)!)}/s, on ${Math.round(rates.on.at(-1)!)}/s`);
    }
  } finally {
    await stopGate(off.child);
    await stopGate(on.child);
  }
  const summary = { off: summarize(rates.off), on: summarize(rates.on) };
  return { messages, window, ...summary, ratio: summary.on.median / summary.off.median, runs: rates };
}

// `node --import tsx bench/resume.ts [messages] [runs]`: this section alone, printed.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [messages = '50000', runs = '5'] = process.argv.slice(2);
  console.log(JSON.stringify(await runResume(Number(messages), Number(runs)), null, 2));
}
