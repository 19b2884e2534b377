import type { ApiClient } from './client';

/** Where a command writes, so tests can capture it and the real CLI uses the process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** a live progress bar only makes sense on a terminal; elsewhere progress is periodic lines */
  errIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface Ctx {
  api: ApiClient;
  io: Io;
  /** print the API's JSON instead of the human-readable form */
  json: boolean;
}

/** Exit codes: 0 fine; 1 the command ran and found a problem (rejected events, a broken audit chain); 2 it could not run. */
export const EXIT = { ok: 0, problem: 1, failed: 2 } as const;

/** prints the value as JSON; returns the success exit code for commands whose outcome it is */
export function printJson(ctx: Ctx, value: unknown): number {
  ctx.io.out(`${JSON.stringify(value, null, 2)}\n`);
  return EXIT.ok;
}

export const processIo = (): Io => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  errIsTTY: !!process.stderr.isTTY,
  env: process.env,
  cwd: process.cwd(),
});
