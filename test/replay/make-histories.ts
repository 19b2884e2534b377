import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERASURE_SCENARIOS } from './erasure-scenarios';
import { SCENARIOS } from './scenarios';

/** Writes the golden histories from the scenarios: `npx tsx test/replay/make-histories.ts`. */
for (const make of [...SCENARIOS, ...ERASURE_SCENARIOS]) {
  const s = make();
  writeFileSync(join(__dirname, 'histories', s.file), s.history.toJSON());
  console.log(`wrote histories/${s.file} (${s.name})`);
}
