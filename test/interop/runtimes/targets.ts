// The four places the test app (app.ts) runs: Bun.serve, Deno.serve, a Worker
// and a Durable Object (both on one workerd), each started with the page
// origins it allows, and the URL of its paths.
import { bundleWorker, type WorkerBundle } from './bundle.ts';
import { root, startBun, startDeno, startWorkerd, type RunningRuntime, type RuntimeName } from './harness.ts';

export interface Target {
  name: string;
  runtime: RuntimeName;
  /** Where the app's paths start (the Durable Object's are forwarded under /room). */
  prefix: string;
  /** Whether the runtime tells a handler that the client left before the upgrade (Bun: the request's signal). */
  seesClientLeave: boolean;
  /** Whether one request may close another's socket (revoke): not in a plain Worker, where each socket belongs to its request. */
  sharesSockets: boolean;
  /** Whether what runs for a socket outlives its request (timers: the app's, a session's window): not in a plain Worker, where they end with the request. */
  outlivesRequest: boolean;
  start(origins: readonly string[]): Promise<RunningRuntime>;
}

export const fixture = (name: string) => `${root}test/interop/runtimes/${name}`;

/** The Worker fixture bundled as wrangler would: built once per test process. */
let workerBundle: Promise<WorkerBundle> | undefined;
export const bundledWorker = () => (workerBundle ??= bundleWorker(fixture('gate-worker.ts')));

const startWorker = async (origins: readonly string[]) =>
  startWorkerd({ module: (await bundledWorker()).code, durableObjects: { Room: 'Room' }, text: { ORIGINS: origins.join(',') } });

export const TARGETS: readonly Target[] = [
  { name: 'Bun.serve', runtime: 'bun', prefix: '', seesClientLeave: true, sharesSockets: true, outlivesRequest: true, start: (origins) => startBun(fixture('gate-bun.ts'), { AUTHSOCKET_ORIGINS: origins.join(',') }) },
  { name: 'Deno.serve', runtime: 'deno', prefix: '', seesClientLeave: false, sharesSockets: true, outlivesRequest: true, start: (origins) => startDeno(fixture('gate-deno.ts'), { AUTHSOCKET_ORIGINS: origins.join(',') }) },
  { name: 'a Worker (workerd)', runtime: 'workerd', prefix: '', seesClientLeave: false, sharesSockets: false, outlivesRequest: false, start: startWorker },
  { name: 'a Durable Object (workerd)', runtime: 'workerd', prefix: '/room', seesClientLeave: false, sharesSockets: true, outlivesRequest: true, start: startWorker },
];
