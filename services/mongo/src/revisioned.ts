import { RevisionConflictError, type AuditInput } from '@custodian/core';
import { MongoServerError, type Collection, type Document, type MongoClient, type OptionalUnlessRequiredId, type WithoutId } from 'mongodb';
import type { MongoAudit } from './audit';
import { inTransaction } from './transactions';

/**
 * Saves a document changed only with a revision check (holds, subject requests), with its audit
 * entries in one transaction: revision 1 must be new; a higher one replaces only revision - 1.
 */
export async function saveRevisioned<D extends Document & { _id: string; revision: number }>(client: MongoClient, coll: Collection<D>, doc: D, audit: MongoAudit, entries: AuditInput[], atIso: string, what: string): Promise<void> {
  await inTransaction(client, async (session) => {
    if (doc.revision === 1) {
      await coll.insertOne(doc as OptionalUnlessRequiredId<D>, { session }).catch((err: unknown) => {
        if (err instanceof MongoServerError && err.code === 11000) throw new RevisionConflictError(`${what} ${doc._id} exists already`);
        throw err;
      });
    } else {
      const { _id, ...rest } = doc;
      const r = await coll.replaceOne({ _id, revision: doc.revision - 1 } as never, rest as WithoutId<D>, { session });
      if (r.matchedCount !== 1) throw new RevisionConflictError(`${what} ${doc._id} is not at revision ${doc.revision - 1} any more`);
    }
    await audit.appendIn(session, entries, atIso);
  });
}
