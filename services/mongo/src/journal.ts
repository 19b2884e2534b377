import type { ErasureJournal, JournalEntry } from '@custodian/core';
import type { Collection, Db } from 'mongodb';

type JournalDoc = JournalEntry & { _id: string };

/**
 * The erasure journal in its own database, so a restore of the platform's database from an older
 * backup does not roll it back (back it up separately, and never restore it to an older point).
 */
export class MongoErasureJournal implements ErasureJournal {
  readonly coll: Collection<JournalDoc>;
  constructor(db: Db) {
    this.coll = db.collection<JournalDoc>('erasure_journal');
  }
  async append(entry: JournalEntry): Promise<void> {
    // keyed by request: finishing an erasure twice writes one entry
    await this.coll.replaceOne({ _id: entry.requestId }, { ...entry }, { upsert: true });
  }
  async entries(): Promise<JournalEntry[]> {
    return (await this.coll.find({}).sort({ at: 1 }).toArray()).map(({ _id, ...e }) => e);
  }
}
