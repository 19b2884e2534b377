import type { AuditInput, Registry, RegistryStats } from '@custodian/core';
import type { HoldScope } from '@custodian/contracts';
import type { RecordState, RecordStatus } from '@custodian/workflows';
import type { AnyBulkWriteOperation, ClientSession, Collection, Db, MongoClient } from 'mongodb';
import type { MongoAudit } from './audit';
import { NAMES } from './collections';
import { plain } from './json';
import type { TaskDoc } from './tasks';
import { inTransaction, noneWanted } from './transactions';

export type RecordDoc = Omit<RecordState, 'id'> & { _id: string; disposedAt: string | null };

export function toRecordDoc(r: RecordState): RecordDoc {
  const { id, ...rest } = plain(r);
  return { _id: id, ...rest, disposedAt: r.disposal?.completedAt ?? null };
}

export function fromRecordDoc(d: RecordDoc): RecordState {
  const { _id, disposedAt: _d, ...rest } = d;
  return { id: _id, ...rest };
}

/** whole-record replacement, upserted: a record's state is always written as one document */
export const saveRecordOps = (records: RecordState[]): AnyBulkWriteOperation<RecordDoc>[] =>
  records.map((r) => ({ replaceOne: { filter: { _id: r.id }, replacement: toRecordDoc(r), upsert: true } }));

export async function saveRecordsIn(coll: Collection<RecordDoc>, session: ClientSession, records: RecordState[]): Promise<void> {
  // one bulkWrite: the driver sends it in as few round trips as the server's batch limits allow
  if (records.length) await coll.bulkWrite(saveRecordOps(records), { session, ordered: true });
}

const DUE_SOON = 20;
const RECENTLY_DISPOSED = 20;

export class MongoRegistry implements Registry {
  readonly records: Collection<RecordDoc>;
  private readonly tasks: Collection<TaskDoc>;
  constructor(
    private readonly client: MongoClient,
    db: Db,
    private readonly audit: MongoAudit,
  ) {
    this.records = db.collection<RecordDoc>(NAMES.records);
    this.tasks = db.collection<TaskDoc>(NAMES.tasks);
  }

  async get(ids: string[]): Promise<Map<string, RecordState>> {
    const out = new Map<string, RecordState>();
    if (!ids.length) return out;
    for (const d of await this.records.find({ _id: { $in: ids } }).toArray()) out.set(d._id, fromRecordDoc(d));
    return out;
  }

  async save(records: RecordState[], audit: AuditInput[], atIso: string): Promise<void> {
    if (!records.length && !audit.length) return;
    await inTransaction(
      this.client,
      async (s) => {
        await saveRecordsIn(this.records, s, records);
        await this.audit.appendIn(s, audit, atIso);
      },
      { retryDuplicateKey: true },
    );
  }

  async bySubject(subjectRef: string, limit: number): Promise<RecordState[]> {
    if (noneWanted(limit)) return [];
    return (await this.records.find({ subjectRef }).sort({ _id: 1 }).limit(limit).toArray()).map(fromRecordDoc);
  }

  async due(nowIso: string, limit: number): Promise<RecordState[]> {
    if (noneWanted(limit)) return [];
    // $lte on a string never matches null: records with no due time drop out without a second clause
    return (await this.records.find({ status: 'active', dueAt: { $lte: nowIso } }).sort({ dueAt: 1, _id: 1 }).limit(limit).toArray()).map(fromRecordDoc);
  }

  async disposing(limit: number): Promise<RecordState[]> {
    if (noneWanted(limit)) return [];
    return (await this.records.find({ status: 'disposing' }).limit(limit).toArray()).map(fromRecordDoc);
  }

  async countCovered(controller: string, scope: HoldScope): Promise<number> {
    const live = { controller, status: { $ne: 'disposed' as const } };
    switch (scope.kind) {
      case 'record':
        return this.records.countDocuments({ ...live, _id: scope.recordId });
      case 'subject':
        return this.records.countDocuments({ ...live, subjectRef: scope.subjectRef });
      case 'case':
        return this.records.countDocuments({ ...live, caseRefs: scope.caseRef });
      case 'category':
        return this.records.countDocuments({ ...live, category: scope.category, 'lifecycle.firstAt': { $gte: new Date(scope.from).toISOString(), $lt: new Date(scope.to).toISOString() } });
    }
  }

  async held(limit: number, afterId?: string): Promise<RecordState[]> {
    if (noneWanted(limit)) return [];
    return (await this.records.find({ status: 'held', ...(afterId !== undefined ? { _id: { $gt: afterId } } : {}) }).sort({ _id: 1 }).limit(limit).toArray()).map(fromRecordDoc);
  }

  async setHeld(changes: Array<{ id: string; heldBy: string[] }>, audit: AuditInput[], atIso: string): Promise<string[]> {
    if (!changes.length && !audit.length) return [];
    return inTransaction(this.client, async (s) => {
      const changed: string[] = [];
      // conditional on the status, and touching only status and heldBy: the projector's or a sweep's writes are never overwritten
      for (const c of changes) {
        const r = c.heldBy.length
          ? await this.records.updateOne({ _id: c.id, status: { $in: ['active', 'held'] } }, { $set: { status: 'held', heldBy: c.heldBy } }, { session: s })
          : await this.records.updateOne({ _id: c.id, status: 'held' }, { $set: { status: 'active', heldBy: [] } }, { session: s });
        if (r.matchedCount === 1) changed.push(c.id);
      }
      await this.audit.appendIn(s, audit, atIso);
      return changed;
    });
  }

  async nextDueAt(): Promise<string | null> {
    const [d] = await this.records.find({ status: 'active', dueAt: { $type: 'string' } }, { projection: { dueAt: 1 } }).sort({ dueAt: 1 }).limit(1).toArray();
    return d?.dueAt ?? null;
  }

  async stats(nowIso: string, dueWithinIso: string): Promise<RegistryStats> {
    void nowIso;
    const counts = await this.records
      .aggregate<{ _id: { controller: string; category: string; status: RecordStatus }; count: number }>([
        { $group: { _id: { controller: '$controller', category: '$category', status: '$status' }, count: { $sum: 1 } } },
        { $sort: { '_id.controller': 1, '_id.category': 1, '_id.status': 1 } },
      ])
      .toArray();
    const recentlyDisposed = await this.records.find({ disposedAt: { $type: 'string' } }).sort({ disposedAt: -1 }).limit(RECENTLY_DISPOSED).toArray();
    return {
      byControllerCategoryStatus: counts.map((c) => ({ controller: c._id.controller, category: c._id.category, status: c._id.status, count: c.count })),
      dueSoon: await this.due(dueWithinIso, DUE_SOON),
      recentlyDisposed: recentlyDisposed.map(fromRecordDoc),
      failedTasks: await this.tasks.countDocuments({ status: 'failed' }),
      pendingTasks: await this.tasks.countDocuments({ status: 'pending' }),
    };
  }
}
