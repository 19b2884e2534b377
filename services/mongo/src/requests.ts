import { RevisionConflictError, type AuditInput, type RequestStore } from '@custodian/core';
import type { SubjectRequest } from '@custodian/workflows';
import { MongoServerError, type Collection, type Db, type Filter, type MongoClient } from 'mongodb';
import type { MongoAudit } from './audit';
import { NAMES } from './collections';
import { plain } from './json';
import { inTransaction, noneWanted } from './transactions';

export type RequestDoc = Omit<SubjectRequest, 'id'> & { _id: string };

/** Subject-rights requests with a revision check, as holds. */
export class MongoRequestStore implements RequestStore {
  readonly requests: Collection<RequestDoc>;
  constructor(
    private readonly client: MongoClient,
    db: Db,
    private readonly audit: MongoAudit,
  ) {
    this.requests = db.collection<RequestDoc>(NAMES.requests);
  }

  async save(r: SubjectRequest, audit: AuditInput[], atIso: string): Promise<void> {
    const { id, ...rest } = plain(r);
    const doc: RequestDoc = { _id: id, ...rest };
    await inTransaction(this.client, async (session) => {
      if (r.revision === 1) {
        await this.requests.insertOne(doc, { session }).catch((err: unknown) => {
          if (err instanceof MongoServerError && err.code === 11000) throw new RevisionConflictError(`request ${r.id} exists already`);
          throw err;
        });
      } else {
        const res = await this.requests.replaceOne({ _id: r.id, revision: r.revision - 1 }, doc, { session });
        if (res.matchedCount !== 1) throw new RevisionConflictError(`request ${r.id} is not at revision ${r.revision - 1} any more`);
      }
      await this.audit.appendIn(session, audit, atIso);
    });
  }

  async get(id: string): Promise<SubjectRequest | undefined> {
    const d = await this.requests.findOne({ _id: id });
    if (!d) return undefined;
    const { _id, ...rest } = d;
    return { id: _id, ...rest };
  }

  async list(q: { status?: SubjectRequest['status']; controller?: string; subjectRef?: string; limit: number }): Promise<SubjectRequest[]> {
    if (noneWanted(q.limit)) return [];
    const filter: Filter<RequestDoc> = { ...(q.status ? { status: q.status } : {}), ...(q.controller ? { controller: q.controller } : {}), ...(q.subjectRef ? { subjectRef: q.subjectRef } : {}) };
    return (await this.requests.find(filter).sort({ receivedAt: -1, _id: -1 }).limit(q.limit).toArray()).map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }
}
