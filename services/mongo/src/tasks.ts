import type { AuditInput, DeletionTask, DeletionTasks } from '@custodian/core';
import type { RecordState } from '@custodian/workflows';
import type { Collection, Db, MongoClient } from 'mongodb';
import type { MongoAudit } from './audit';
import { NAMES } from './collections';
import { plain } from './json';
import { saveRecordsIn, type RecordDoc } from './registry';
import { inTransaction, noneWanted } from './transactions';

export type TaskDoc = Omit<DeletionTask, 'taskId'> & { _id: string };

export function toTaskDoc(t: DeletionTask): TaskDoc {
  const { taskId, ...rest } = plain(t);
  return { _id: taskId, ...rest };
}

export function fromTaskDoc(d: TaskDoc): DeletionTask {
  const { _id, ...rest } = d;
  return { taskId: _id, ...rest };
}

export class MongoDeletionTasks implements DeletionTasks {
  readonly tasks: Collection<TaskDoc>;
  private readonly records: Collection<RecordDoc>;
  constructor(
    private readonly client: MongoClient,
    db: Db,
    private readonly audit: MongoAudit,
  ) {
    this.tasks = db.collection<TaskDoc>(NAMES.tasks);
    this.records = db.collection<RecordDoc>(NAMES.records);
  }

  async begin(records: RecordState[], tasks: DeletionTask[], audit: AuditInput[], atIso: string): Promise<void> {
    if (!records.length && !tasks.length && !audit.length) return;
    await inTransaction(
      this.client,
      async (s) => {
        await saveRecordsIn(this.records, s, records);
        if (tasks.length) {
          // $setOnInsert: a task a retried plan already made is kept exactly as it is
          await this.tasks.bulkWrite(
            tasks.map((t) => {
              const { _id, ...fields } = toTaskDoc(t);
              return { updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true } };
            }),
            { session: s, ordered: true },
          );
        }
        await this.audit.appendIn(s, audit, atIso);
      },
      { retryDuplicateKey: true },
    );
  }

  async ready(nowIso: string, limit: number): Promise<DeletionTask[]> {
    if (noneWanted(limit)) return [];
    return (await this.tasks.find({ status: 'pending', nextAttemptAt: { $lte: nowIso } }).sort({ nextAttemptAt: 1, _id: 1 }).limit(limit).toArray()).map(fromTaskDoc);
  }

  async get(taskIds: string[]): Promise<DeletionTask[]> {
    if (!taskIds.length) return [];
    const byId = new Map((await this.tasks.find({ _id: { $in: taskIds } }).toArray()).map((d) => [d._id, fromTaskDoc(d)]));
    return taskIds.map((id) => byId.get(id)).filter((t): t is DeletionTask => t !== undefined);
  }

  async ofRecords(recordIds: string[]): Promise<DeletionTask[]> {
    if (!recordIds.length) return [];
    return (await this.tasks.find({ recordId: { $in: recordIds } }).toArray()).map(fromTaskDoc);
  }

  /** tasks are only ever updated after begin made them: an unknown task id is not created here */
  update(tasks: DeletionTask[], audit: AuditInput[], atIso: string): Promise<void> {
    return this.settle(tasks, [], audit, atIso);
  }

  complete(records: RecordState[], audit: AuditInput[], atIso: string): Promise<void> {
    return this.settle([], records, audit, atIso);
  }

  async settle(tasks: DeletionTask[], records: RecordState[], audit: AuditInput[], atIso: string): Promise<void> {
    if (!tasks.length && !records.length && !audit.length) return;
    await inTransaction(
      this.client,
      async (s) => {
        if (tasks.length) await this.tasks.bulkWrite(tasks.map((t) => ({ replaceOne: { filter: { _id: t.taskId }, replacement: toTaskDoc(t) } })), { session: s, ordered: true });
        if (records.length) await saveRecordsIn(this.records, s, records);
        await this.audit.appendIn(s, audit, atIso);
      },
      { retryDuplicateKey: true },
    );
  }

  async failed(limit: number): Promise<DeletionTask[]> {
    if (noneWanted(limit)) return [];
    return (await this.tasks.find({ status: 'failed' }).limit(limit).toArray()).map(fromTaskDoc);
  }

  async nextAttemptAt(): Promise<string | null> {
    const [d] = await this.tasks.find({ status: 'pending' }, { projection: { nextAttemptAt: 1 } }).sort({ nextAttemptAt: 1 }).limit(1).toArray();
    return d?.nextAttemptAt ?? null;
  }
}
