import type { AuditInput, RequestStore } from '@custodian/core';
import type { SubjectRequest } from '@custodian/workflows';
import type { Collection, Db, Filter, MongoClient } from 'mongodb';
import type { MongoAudit } from './audit';
import { NAMES } from './collections';
import { plain } from './json';
import { saveRevisioned } from './revisioned';
import { noneWanted } from './transactions';

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

  save(r: SubjectRequest, audit: AuditInput[], atIso: string): Promise<void> {
    const { id, ...rest } = plain(r);
    return saveRevisioned(this.client, this.requests, { _id: id, ...rest }, this.audit, audit, atIso, 'request');
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
