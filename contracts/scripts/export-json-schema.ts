/**
 * Exports the contracts as JSON Schema (draft 2020-12) for council systems that do not run TypeScript.
 * Run: `npx tsx contracts/scripts/export-json-schema.ts` (or `npm run schemas`). The output is committed and
 * contracts/src/json-schema.test.ts fails when it is stale.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { EVENT_TYPES, EventEnvelope, PAYLOADS, PolicyPack } from '../src';

export const SCHEMA_DIR = resolve(__dirname, '../json-schema');

function toSchema(schema: z.ZodType, id: string, title: string): string {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    // Producers send input: fields with defaults are optional to them. Cross-field refinements (category
    // allowed for the type, declared stores and assumptions) cannot be expressed and are enforced by zod only.
    io: 'input',
    unrepresentable: 'any',
  });
  // $id and title first so the files read well; the rest keeps zod's order, which is deterministic.
  const { $schema, ...rest } = json;
  return `${JSON.stringify({ $schema, $id: id, title, ...rest }, null, 2)}\n`;
}

/** File name → contents of every exported schema. */
export function buildJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {
    'event-envelope.json': toSchema(EventEnvelope, 'urn:custodian:contracts:event-envelope', 'Custodian event envelope'),
    'policy-pack.json': toSchema(PolicyPack, 'urn:custodian:contracts:policy-pack', 'Custodian policy pack'),
  };
  for (const type of [...EVENT_TYPES].sort()) {
    out[`payload.${type}.json`] = toSchema(PAYLOADS[type], `urn:custodian:contracts:payload:${type}`, `Payload of ${type}`);
  }
  return out;
}

export function writeJsonSchemas(dir: string = SCHEMA_DIR): string[] {
  const files = buildJsonSchemas();
  mkdirSync(dir, { recursive: true });
  // A removed event type must not leave a stale schema behind.
  for (const f of readdirSync(dir)) if (f.endsWith('.json') && !(f in files)) rmSync(join(dir, f));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files);
}

if (require.main === module) {
  const written = writeJsonSchemas();
  console.log(`wrote ${written.length} JSON schemas to ${SCHEMA_DIR}`);
}
