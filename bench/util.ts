import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const nowNs = () => process.hrtime.bigint();
export const secondsSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
/** hrtime in µs: the same monotonic clock V8's CPU profile timestamps use (for --profile windows) */
export const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

let gcFn: (() => void) | null | undefined;
/** a full GC between runs, so one run's garbage is not collected on the next run's clock */
export function collectGarbage() {
  if (gcFn === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  gcFn?.();
}

/** runs `fn` over `items` with at most `limit` in flight */
export async function pool<T>(items: readonly T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** counts regular files under `dir` (bounded by the tree the bench made) */
export function countFiles(dir: string): number {
  let n = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) stack.push(join(d, e.name));
      else n++;
    }
  }
  return n;
}

export function fmtRate(x: number): string {
  return Math.round(x).toLocaleString('en-GB');
}

export function fmtS(x: number): string {
  return x.toFixed(3);
}

/** stops a phase that runs away: every loop in the bench is bounded in count and time */
export class Deadline {
  private readonly until: bigint;
  constructor(
    private readonly what: string,
    seconds: number,
  ) {
    this.until = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  }
  check() {
    if (process.hrtime.bigint() > this.until) throw new Error(`${this.what} did not finish within its time limit`);
  }
}
