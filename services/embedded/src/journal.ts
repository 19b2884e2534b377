import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { ErasureJournal, JournalEntry } from '@custodian/core';

/**
 * The erasure journal as an append-only JSON-lines file beside the database, not in it: restoring
 * custodian.db from an older backup leaves the journal as it was, and the runtime applies it again
 * on start. Each line is fsynced before the erasure's certificate is issued. Pseudonymous ids only.
 */
export class FileErasureJournal implements ErasureJournal {
  constructor(readonly file: string) {}

  async append(entry: JournalEntry): Promise<void> {
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  async entries(): Promise<JournalEntry[]> {
    if (!existsSync(this.file)) return [];
    const out: JournalEntry[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      // a line cut short by a crash mid-append was never acknowledged: the erasure finishes again and rewrites it
      try {
        out.push(JSON.parse(line) as JournalEntry);
      } catch {
        continue;
      }
    }
    return out;
  }
}
