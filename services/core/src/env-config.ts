import type { z } from 'zod';

/** A process's environment is wrong. The message names each variable and what is wrong with it, never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads a process's settings from its environment with `schema`, or throws a ConfigError listing
 * every problem: `cannotStart` says who, e.g. "Custodian's ingest service cannot start". Values are
 * left out on purpose: the master key is one of them.
 */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv, cannotStart: string): z.output<T> {
  const r = schema.safeParse(env);
  if (r.success) return r.data;
  throw envError(cannotStart, r.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`));
}

/** the same error for a problem found after parsing (a rule across two variables) */
export function envError(cannotStart: string, problems: string[]): ConfigError {
  return new ConfigError(`${cannotStart}; fix these environment variables:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}
