/*
 * Writes services/demo/sample/demo-events.jsonl: a small, fixed stream for publishing with the CLI.
 * Fixed seed and dates so the committed file only changes when the generator or the packs do.
 *   npx tsx services/demo/scripts/write-sample.ts
 */
import { resolve } from 'node:path';
import { loadPolicyPacks } from '@custodian/core';
import { generateDemoStream } from '../src/generator';
import { writeJsonl } from '../src/jsonl';

const OUT = resolve(__dirname, '../sample/demo-events.jsonl');

const { events, stats } = generateDemoStream({
  packs: loadPolicyPacks(),
  seed: 42,
  start: new Date('2026-11-02T00:00:00Z'),
  days: 14,
  perCouncilPerDay: 5,
  // slightly above the 1% default so that ~500 events include one of each kind of bad event
  badEventRate: 0.012,
});

const written = writeJsonl(OUT, events);
console.log(`wrote ${written} events to ${OUT}`);
for (const [k, v] of Object.entries(stats).sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${k}: ${v}`);
