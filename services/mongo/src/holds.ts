import { RevisionConflictError, type AuditInput, type HoldStore } from '@custodian/core';
import type { Hold } from '@custodian/workflows';
import { MongoServerError, type Collection, type Db, type Filter, type MongoClient } from 'mongodb';
import type { MongoAudit } from './audit';
import { NAMES } from './collections';
import { plain } from './json';
import { inTransaction, noneWanted } from './transactions';

export type HoldDoc = Omit<Hold, 'id'> & { _id: string };

const toDoc = (h: Hold): HoldDoc => {
  const { id, ...rest } = plain(h);
  return { _id: id, ...rest };
};
const fromDoc = (d: HoldDoc): Hold => {
  const { _id, ...rest } = d;
  return { id: _id, ...rest };
};

/** Holds with a revision check: the replace matches only the revision the writer read. */
export class MongoHoldStore implements HoldStore {
  readonly holds: Collection<HoldDoc>;
  constructor(
    private readonly client: MongoClient,
    db: Db,
    private readonly audit: MongoAudit,
  ) {
    this.holds = db.collection<HoldDoc>(NAMES.holds);
  }

  async save(hold: Hold, audit: AuditInput[], atIso: string): Promise<void> {
    await inTransaction(this.client, async (session) => {
      if (hold.revision === 1) {
        await this.holds.insertOne(toDoc(hold), { session }).catch((err: unknown) => {
          if (err instanceof MongoServerError && err.code === 11000) throw new RevisionConflictError(`hold ${hold.id} exists already`);
          throw err;
        });
      } else {
        const r = await this.holds.replaceOne({ _id: hold.id, revision: hold.revision - 1 }, toDoc(hold), { session });
        if (r.matchedCount !== 1) throw new RevisionConflictError(`hold ${hold.id} is not at revision ${hold.revision - 1} any more`);
      }
      await this.audit.appendIn(session, audit, atIso);
    });
  }

  async get(id: string): Promise<Hold | undefined> {
    const d = await this.holds.findOne({ _id: id });
    return d ? fromDoc(d) : undefined;
  }

  async list(q: { status?: Hold['status']; controller?: string; limit: number }): Promise<Hold[]> {
    if (noneWanted(q.limit)) return [];
    const filter: Filter<HoldDoc> = { ...(q.status ? { status: q.status } : {}), ...(q.controller ? { controller: q.controller } : {}) };
    return (await this.holds.find(filter).sort({ placedAt: -1, _id: -1 }).limit(q.limit).toArray()).map(fromDoc);
  }
}
