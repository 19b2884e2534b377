import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR, buildJsonSchemas } from '../scripts/export-json-schema';
import { EVENT_TYPES } from './payloads';

const REGENERATE = 'regenerate with `npx tsx contracts/scripts/export-json-schema.ts` and commit the result';

describe('committed JSON Schemas', () => {
  const fresh = buildJsonSchemas();

  it('are exactly the set a fresh export produces', () => {
    const committed = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort();
    expect({ files: committed, hint: REGENERATE }).toEqual({ files: Object.keys(fresh).sort(), hint: REGENERATE });
  });

  it.each(Object.keys(buildJsonSchemas()))('%s equals a fresh export', (name) => {
    const committed = readFileSync(join(SCHEMA_DIR, name), 'utf8');
    expect({ name, upToDate: committed === fresh[name], hint: REGENERATE }).toEqual({ name, upToDate: true, hint: REGENERATE });
  });

  it('cover the envelope, the policy pack and one payload per event type', () => {
    expect(Object.keys(fresh).sort()).toEqual(['event-envelope.json', 'policy-pack.json', ...EVENT_TYPES.map((t) => `payload.${t}.json`)].sort());
  });

  it('are draft 2020-12, and keep the contracts strict (no extra fields) and the 16 event variants', () => {
    const envelope = JSON.parse(fresh['event-envelope.json']!);
    expect(envelope.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(envelope.oneOf).toHaveLength(16);
    for (const variant of envelope.oneOf) {
      expect(variant.additionalProperties).toBe(false);
      expect(variant.properties.payload.additionalProperties).toBe(false);
    }
    const pack = JSON.parse(fresh['policy-pack.json']!);
    expect(pack.additionalProperties).toBe(false);
    // io: 'input' — a field with a default is optional to whoever writes the document
    expect(pack.required).not.toContain('processors');
  });

  it('are deterministic', () => {
    expect(buildJsonSchemas()).toEqual(fresh);
  });
});
