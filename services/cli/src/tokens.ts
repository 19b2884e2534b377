import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const DEFAULT_URL = 'http://127.0.0.1:4000';
export const DEFAULT_TOKEN_FILE = '.custodian/demo-tokens.json';

export class UsageError extends Error {}

export interface TokenSources {
  flag?: string | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * --token, else CUSTODIAN_TOKEN, else the demo's token file ({role: token}). From the file the
 * command's own roles are tried first (publishing needs `service`, reading records `dpo`), then
 * operator and dpo, so the demo works without the operator copying tokens around.
 */
export function resolveToken(src: TokenSources, prefer: readonly string[]): string {
  if (src.flag) return src.flag;
  if (src.env.CUSTODIAN_TOKEN) return src.env.CUSTODIAN_TOKEN;
  const file = resolve(src.cwd, src.env.CUSTODIAN_TOKEN_FILE ?? DEFAULT_TOKEN_FILE);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`no API token: pass --token, set CUSTODIAN_TOKEN, or run the demo (npm start) so that ${file} exists`);
  }
  let tokens: Record<string, unknown>;
  try {
    tokens = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new UsageError(`${file} is not JSON; expected {"role": "token", ...}`);
  }
  for (const role of [...prefer, 'operator', 'dpo']) {
    const t = tokens?.[role];
    if (typeof t === 'string' && t) return t;
  }
  throw new UsageError(`${file} has no token for ${[...new Set([...prefer, 'operator', 'dpo'])].join(', ')}; pass --token`);
}
