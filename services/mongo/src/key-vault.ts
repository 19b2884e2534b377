import type { KeyVault } from '@custodian/core';
import type { Binary, ClientSession, Collection, Db, MongoClient } from 'mongodb';
import { fromBinary, toBinary } from './binary';
import { NAMES } from './collections';
import { inTransaction, isDuplicateKey } from './transactions';

export interface KeyDoc {
  _id: string;
  /** null once destroyed: the document stays, so the kid can never be created again */
  wrapped: Binary | null;
  createdAt: string;
  destroyedAt: string | null;
}

export class MongoKeyVault implements KeyVault {
  readonly keys: Collection<KeyDoc>;
  constructor(
    private readonly client: MongoClient,
    db: Db,
  ) {
    this.keys = db.collection<KeyDoc>(NAMES.keyVault);
  }

  async putIfAbsent(entries: Array<{ kid: string; wrapped: Buffer }>): Promise<Map<string, Buffer | null>> {
    if (!entries.length) return new Map();
    const at = new Date().toISOString();
    const kids = [...new Set(entries.map((e) => e.kid))];
    const run = () =>
      inTransaction(this.client, async (session) => {
        // ordered, so the first of two entries with one kid is the one kept
        await this.keys.bulkWrite(
          entries.map((e) => ({ updateOne: { filter: { _id: e.kid }, update: { $setOnInsert: { wrapped: toBinary(e.wrapped), createdAt: at, destroyedAt: null } }, upsert: true } })),
          { session, ordered: true },
        );
        return this.read(kids, session);
      });
    // two writers inserting one kid at once: the loser reads the winner's key on a second pass
    return run().catch((err: unknown) => (isDuplicateKey(err) ? run() : Promise.reject(err)));
  }

  async get(kids: string[]): Promise<Map<string, Buffer | null>> {
    return this.read(kids, undefined);
  }

  async destroy(kid: string): Promise<boolean> {
    const res = await this.keys.updateOne({ _id: kid, wrapped: { $ne: null } }, { $set: { wrapped: null, destroyedAt: new Date().toISOString() } }, { writeConcern: { w: 'majority' } });
    return res.modifiedCount > 0;
  }

  private async read(kids: string[], session: ClientSession | undefined): Promise<Map<string, Buffer | null>> {
    const out = new Map<string, Buffer | null>();
    if (!kids.length) return out;
    const docs = await this.keys.find({ _id: { $in: kids } }, session ? { session } : {}).toArray();
    const byKid = new Map(docs.map((d) => [d._id, d.wrapped]));
    for (const kid of kids) {
      if (!byKid.has(kid)) continue;
      const w = byKid.get(kid)!;
      out.set(kid, w === null ? null : fromBinary(w));
    }
    return out;
  }
}
