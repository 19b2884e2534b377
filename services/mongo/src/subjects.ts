import type { SubjectIndex } from '@custodian/core';
import type { ClientSession, Collection, Db, MongoClient, ObjectId } from 'mongodb';
import { NAMES } from './collections';
import { inTransaction } from './transactions';

export interface SubjectDoc {
  _id: string;
  controller: string;
  createdAt: string;
}
export interface BlindIndexDoc {
  _id?: ObjectId;
  controller: string;
  hash: string;
  subjectRef: string;
}

type Request = { controller: string; hashes: string[]; newRef: string };

export class MongoSubjectIndex implements SubjectIndex {
  readonly subjects: Collection<SubjectDoc>;
  readonly index: Collection<BlindIndexDoc>;
  constructor(
    private readonly client: MongoClient,
    db: Db,
  ) {
    this.subjects = db.collection<SubjectDoc>(NAMES.subjects);
    this.index = db.collection<BlindIndexDoc>(NAMES.blindIndex);
  }

  /** one transaction: two resolvers racing on one hash conflict on its unique index and one re-runs */
  async resolve(requests: Request[], nowIso: string): Promise<Array<{ ref: string; created: boolean; conflicts: string[] }>> {
    if (!requests.length) return [];
    return inTransaction(this.client, async (s) => {
      const out: Array<{ ref: string; created: boolean; conflicts: string[] }> = [];
      // sequential on purpose: later requests must see what earlier ones wrote
      for (const r of requests) out.push(await this.one(s, r, nowIso));
      return out;
    });
  }

  async find(controller: string, hashes: string[]): Promise<string | null> {
    const owners = [...new Set((await this.index.find({ controller, hash: { $in: hashes } }, { projection: { subjectRef: 1 } }).toArray()).map((d) => d.subjectRef))];
    if (owners.length <= 1) return owners[0] ?? null;
    const subs = await this.subjects.find({ _id: { $in: owners } }).sort({ createdAt: 1, _id: 1 }).limit(1).toArray();
    return subs[0]?._id ?? [...owners].sort()[0]!;
  }

  async forget(subjectRef: string): Promise<Array<{ controller: string; hash: string }>> {
    const held = await this.index.find({ subjectRef }, { projection: { controller: 1, hash: 1 } }).toArray();
    await this.index.deleteMany({ subjectRef });
    return held.map((d) => ({ controller: d.controller, hash: d.hash }));
  }

  private async one(session: ClientSession, { controller, hashes, newRef }: Request, nowIso: string) {
    const owners = [...new Set((await this.index.find({ controller, hash: { $in: hashes } }, { session, projection: { subjectRef: 1 } }).toArray()).map((d) => d.subjectRef))];
    let ref: string;
    let created = false;
    if (!owners.length) {
      ref = newRef;
      created = true;
      await this.subjects.insertOne({ _id: ref, controller, createdAt: nowIso }, { session });
    } else if (owners.length === 1) {
      ref = owners[0]!;
    } else {
      // the earliest-created subject wins (then the smaller ref), as in the embedded store
      const subs = await this.subjects.find({ _id: { $in: owners } }, { session }).sort({ createdAt: 1, _id: 1 }).limit(1).toArray();
      ref = subs[0]?._id ?? [...owners].sort()[0]!;
    }
    // $setOnInsert: a hash another subject owns stays with it (it is reported as a conflict, never moved)
    if (hashes.length) {
      await this.index.bulkWrite(
        hashes.map((hash) => ({ updateOne: { filter: { controller, hash }, update: { $setOnInsert: { controller, hash, subjectRef: ref } }, upsert: true } })),
        { session, ordered: true },
      );
    }
    return { ref, created, conflicts: owners.filter((o) => o !== ref) };
  }
}
