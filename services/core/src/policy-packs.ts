import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CategoryPolicy, DataCategory, PolicyPack, fieldErrors } from '@custodian/contracts';
import { parse } from 'yaml';

export interface LoadedPack {
  pack: PolicyPack;
  /** "<id>@<version>": what records keep */
  ref: string;
  /** sha256 of the file, so an auditor can tell two packs with one version apart */
  sha256: string;
  file: string;
}

export const DEFAULT_PACK_DIR = resolve(__dirname, '../../../contracts/policy-packs');

export class PolicyPackError extends Error {}

export function loadPolicyPack(file: string): LoadedPack {
  const text = readFileSync(file, 'utf8');
  const parsed = PolicyPack.safeParse(parse(text));
  if (!parsed.success) {
    const why = fieldErrors(parsed.error).map((e) => `  ${e.path}: ${e.message}`).join('\n');
    throw new PolicyPackError(`policy pack ${file} is invalid:\n${why}`);
  }
  const pack = parsed.data;
  return { pack, ref: `${pack.id}@${pack.version}`, sha256: createHash('sha256').update(text).digest('hex'), file };
}

export function loadPolicyPacks(dir: string = DEFAULT_PACK_DIR): LoadedPack[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const packs = files.map((f) => loadPolicyPack(join(dir, f)));
  const ids = new Set<string>();
  for (const p of packs) {
    if (ids.has(p.pack.id)) throw new PolicyPackError(`two policy packs have the id "${p.pack.id}"`);
    ids.add(p.pack.id);
  }
  return packs;
}

/** Looks up packs and their category policies by council id. */
export class PolicyBook {
  private readonly byId = new Map<string, LoadedPack>();
  constructor(readonly packs: LoadedPack[]) {
    for (const p of packs) this.byId.set(p.pack.id, p);
  }
  pack(controller: string): LoadedPack | undefined {
    return this.byId.get(controller);
  }
  category(controller: string, category: DataCategory): CategoryPolicy | undefined {
    return this.byId.get(controller)?.pack.categories.find((c) => c.id === category);
  }
  controllers(): string[] {
    return [...this.byId.keys()];
  }
}
