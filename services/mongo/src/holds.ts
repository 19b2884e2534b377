import type { AuditInput, HoldStore } from '@custodian/core';
import type { Hold } from '@custodian/workflows';
import type { Collection, Db, Filter, MongoClient } from 'mongodb';
import type { MongoAudit } from './audit';
import { NAMES } from './collections';
import { plain } from './json';
import { saveRevisioned } from './revisioned';
import { noneWanted } from './transactions';

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

  save(hold: Hold, audit: AuditInput[], atIso: string): Promise<void> {
    return saveRevisioned(this.client, this.holds, toDoc(hold), this.audit, audit, atIso, 'hold');
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
