// Small helpers shared by the bench sections: statistics, bounded waits,
// a hi-res wall clock comparable across processes on one machine.
import { performance } from 'node:perf_hooks';

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: sorted.length, median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Milliseconds since the epoch with sub-ms resolution (same scale as a page's timeOrigin + now()). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with a named error when `promise` does not settle within `ms`. Every wait in the bench goes through this. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves when `condition()` holds, polling every `every` ms; rejects after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string, every = 5): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/** A section (or part of one) that could not measure in this run, and why: RESULTS.md says so. */
export interface Unmeasured {
  section: string;
  reason: string;
}

/**
 * Runs one measurement; when it throws, the reason goes into `unmeasured`
 * (and so into RESULTS.md) and the run goes on with the next one.
 */
export async function measureOr<T>(section: string, unmeasured: Unmeasured[], measure: () => Promise<T>): Promise<T | undefined> {
  try {
    return await measure();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`${section}: could not measure: ${reason}`);
    unmeasured.push({ section, reason });
    return undefined;
  }
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–'),
  ms: (n: number, digits = 1) => (Number.isFinite(n) ? `${n.toFixed(digits)} ms` : '–'),
  x: (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–'),
  bytes: (n: number) => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')} B` : '–'),
  kb: (n: number) => (Number.isFinite(n) ? `${(n / 1000).toFixed(1)} KB` : '–'),
  range: (s: Summary, f: (n: number) => string) => `${f(s.min)} – ${f(s.max)}`,
};

/** A markdown table. */
export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
