import type { DeadLetter, DeadLetterStore } from '@custodian/core';
import type { Binary, Collection, Db, Filter, MongoClient } from 'mongodb';
import { sealedFromBinary, sealedToBinary } from './binary';
import { NAMES } from './collections';
import { plain } from './json';
import { inTransaction, noneWanted } from './transactions';

/** `n` is the arrival number: paging follows it, not the id (ids need not sort in arrival order) */
export type DeadLetterDoc = Omit<DeadLetter, 'id' | 'sealed'> & { _id: string; n: number; sealed: Binary };

interface CounterDoc {
  _id: 'deadLetters.n';
  n: number;
}

export function toDeadLetterDoc(e: DeadLetter, n: number): DeadLetterDoc {
  const { id, sealed, ...rest } = plain(e);
  return { _id: id, n, ...rest, sealed: sealedToBinary(sealed) };
}

export function fromDeadLetterDoc(d: DeadLetterDoc): DeadLetter {
  const { _id, n: _n, sealed, ...rest } = d;
  return { id: _id, ...rest, sealed: sealedFromBinary(sealed) };
}

export class MongoDeadLetters implements DeadLetterStore {
  readonly entries: Collection<DeadLetterDoc>;
  private readonly meta: Collection<CounterDoc>;
  constructor(
    private readonly client: MongoClient,
    db: Db,
  ) {
    this.entries = db.collection<DeadLetterDoc>(NAMES.deadLetters);
    this.meta = db.collection<CounterDoc>(NAMES.meta);
  }

  async add(entries: DeadLetter[]): Promise<void> {
    if (!entries.length) return;
    await inTransaction(this.client, async (session) => {
      // the counter moves with the inserts: an id that exists aborts both
      const c = await this.meta.findOneAndUpdate({ _id: 'deadLetters.n' }, { $inc: { n: entries.length } }, { session, upsert: true, returnDocument: 'after' });
      const first = c!.n - entries.length + 1;
      await this.entries.insertMany(
        entries.map((e, i) => toDeadLetterDoc(e, first + i)),
        { session, ordered: true },
      );
    });
  }

  async list(q: { status?: DeadLetter['status']; limit: number; afterId?: string; newestFirst?: boolean }): Promise<DeadLetter[]> {
    if (noneWanted(q.limit)) return [];
    const after = q.afterId ? await this.entries.findOne({ _id: q.afterId }, { projection: { n: 1 } }) : null;
    const filter: Filter<DeadLetterDoc> = {
      ...(q.status ? { status: q.status } : {}),
      ...(after ? { n: q.newestFirst ? { $lt: after.n } : { $gt: after.n } } : {}),
    };
    return (await this.entries.find(filter).sort({ n: q.newestFirst ? -1 : 1 }).limit(q.limit).toArray()).map(fromDeadLetterDoc);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const d = await this.entries.findOne({ _id: id });
    return d ? fromDeadLetterDoc(d) : undefined;
  }

  /** replaces everything but the arrival number; like the embedded store, an unknown id changes nothing */
  async update(entry: DeadLetter): Promise<void> {
    const { _id, n: _n, ...fields } = toDeadLetterDoc(entry, 0);
    await this.entries.updateOne({ _id }, { $set: fields });
  }

  async count(status: DeadLetter['status']): Promise<number> {
    return this.entries.countDocuments({ status });
  }

  async withSubjectHashes(controller: string, hashes: string[]): Promise<DeadLetter[]> {
    if (!hashes.length) return [];
    return (await this.entries.find({ controller, subjectHashes: { $in: hashes } }).toArray()).map(fromDeadLetterDoc);
  }
}
