/**
 * Rate of the files connector on a batch of 5,000 recordings spread over 200 directories, as the
 * disposal sweep hands it over. Usage: npx tsx scripts/bench-files.ts [files] [rounds]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FilesConnector } from '../src/files';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 5_000);
  const rounds = Number(process.argv[3] ?? 5);
  for (let round = 1; round <= rounds; round++) {
    const root = mkdtempSync(path.join(tmpdir(), 'custodian-bench-'));
    try {
      const locators = Array.from({ length: count }, (_, i) => `${2020 + (i % 5)}/${String(i % 40).padStart(2, '0')}/call-${i}.wav`);
      for (const l of locators) {
        mkdirSync(path.join(root, path.dirname(l)), { recursive: true });
        writeFileSync(path.join(root, l), 'audio');
      }
      const c = new FilesConnector({ root });
      const requests = locators.map((locator, i) => ({ taskId: `t${i}`, recordId: `r${i}`, controller: 'newark-sherwood', store: 'recordings', locator, attempt: 1 }));
      const started = process.hrtime.bigint();
      const results = await c.delete(requests);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const deleted = results.filter((r) => r.outcome === 'deleted').length;
      if (deleted !== count) throw new Error(`only ${deleted} of ${count} deleted`);
      console.log(`round ${round}: ${count} files in ${ms.toFixed(1)} ms = ${Math.round((count / ms) * 1000)} deletions/s`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
}

void main();
