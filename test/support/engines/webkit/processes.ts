// The processes behind a WebKit session: a private Xvfb display (MiniBrowser has
// no headless mode) and one WebKitWebDriver per session (a driver serves one
// session; a second profile needs a second driver). Everything started here is
// killed when the test process exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { findWebKit } from '../../../../scripts/find-engines.mjs';

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Killed on exit, and never what keeps the test process alive (a forgotten session must not hang a run). */
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.unref();
  for (const stream of child.stdio) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tools() {
  const found = findWebKit();
  if (!found) throw new Error('WebKit needs WebKitWebDriver and Xvfb: apt-get install webkit2gtk-driver xvfb (or WEBKIT_DRIVER_PATH, XVFB_PATH)');
  return found;
}

export interface Display {
  /** e.g. ":99" */
  name: string;
  close(): void;
}

/** Starts Xvfb on a display number it picks itself (-displayfd), reachable only through its Unix socket. */
export async function startDisplay(): Promise<Display> {
  const xvfb = track(spawn(tools().xvfb, ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x1024x24'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  }));
  let stderr = '';
  xvfb.stderr!.on('data', (chunk) => (stderr += chunk));
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb gave no display within 10 s: ${stderr}`)), 10_000);
    (xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.trim());
      }
    });
    xvfb.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited with ${code}: ${stderr}`));
    });
  });
  return { name: `:${number}`, close: () => void xvfb.kill('SIGTERM') };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Driver {
  url: string;
  close(): void;
}

/** Starts WebKitWebDriver on a free loopback port and waits (bounded) until it answers /status. */
export async function startDriver(display: Display): Promise<Driver> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = track(spawn(tools().driver, [`--port=${port}`, '--host=127.0.0.1'], {
      stdio: 'ignore',
      env: { ...process.env, DISPLAY: display.name, WAYLAND_DISPLAY: '' },
    }));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    while (child.exitCode === null && Date.now() < deadline) {
      const ready = await fetch(`${url}/status`).then((res) => res.ok, () => false);
      if (ready) return { url, close: () => void child.kill('SIGTERM') };
      await sleep(25);
    }
    child.kill('SIGKILL');
    if (attempt === 3) throw new Error('WebKitWebDriver did not answer /status within 10 s (3 attempts)');
  }
}
