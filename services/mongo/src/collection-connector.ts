import type { Correction } from '@custodian/contracts';
import type { DeletionConnector, DeletionRequest, DeletionResult, RectifyRequest, RectifyResult } from '@custodian/core';
import { DEFAULT_RETRY, type RetryPolicy } from '@custodian/workflows';
import { MongoClient, type Document, type Filter } from 'mongodb';

/** the part of a MongoDB collection the connector uses (the driver's Collection has it) */
export interface CollectionLike {
  find(filter: Filter<Document>, options: { projection: Document }): { toArray(): Promise<Document[]> };
  deleteMany(filter: Filter<Document>): Promise<{ deletedCount: number }>;
  updateOne(filter: Filter<Document>, update: Document): Promise<{ matchedCount: number }>;
}

export interface CollectionConnectorOptions {
  /** the field a record's locator names (default _id) */
  field?: string;
  /** where each correctable detail sits in a document, e.g. { email: "contact.email" }; a detail not mapped is not held here */
  rectifyPaths?: Partial<Record<Correction['field'], string>>;
  retry?: RetryPolicy;
}

/**
 * A council's own MongoDB collection as a store: a record's documents are those whose `field`
 * equals its locator. Deleting what is gone is "absent"; a database that does not answer is retried
 * like any store. Details say counts only: documents are personal data.
 */
export class MongoCollectionConnector implements DeletionConnector {
  readonly kind = 'mongodb';
  readonly retry: RetryPolicy;
  private readonly field: string;
  constructor(
    private readonly coll: CollectionLike,
    private readonly opts: CollectionConnectorOptions = {},
  ) {
    this.field = opts.field ?? '_id';
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  async delete(requests: DeletionRequest[]): Promise<DeletionResult[]> {
    const locators = [...new Set(requests.map((r) => r.locator))];
    try {
      // which locators still have documents, then one deletion for all: a retry finds them absent
      const held = new Set((await this.coll.find({ [this.field]: { $in: locators } }, { projection: { [this.field]: 1 } }).toArray()).map((d) => String(d[this.field])));
      const { deletedCount } = held.size ? await this.coll.deleteMany({ [this.field]: { $in: [...held] } }) : { deletedCount: 0 };
      return requests.map((r) => (held.has(r.locator) ? { outcome: 'deleted', detail: `documents deleted (${deletedCount} in this batch)` } : { outcome: 'absent', detail: 'no document with this locator' }));
    } catch (err) {
      return requests.map(() => ({ outcome: 'retry', detail: `database error: ${err instanceof Error ? err.name : 'unknown'}` }));
    }
  }

  async rectify(requests: RectifyRequest[]): Promise<RectifyResult[]> {
    const paths = this.opts.rectifyPaths ?? {};
    const out: RectifyResult[] = [];
    for (const r of requests) {
      const set: Document = {};
      for (const c of r.corrections) if (paths[c.field]) set[paths[c.field]!] = c.value;
      if (!Object.keys(set).length) {
        out.push({ outcome: 'absent', detail: 'this collection holds none of the corrected details' });
        continue;
      }
      try {
        const { matchedCount } = await this.coll.updateOne({ [this.field]: r.locator }, { $set: set });
        out.push(matchedCount ? { outcome: 'updated', detail: `${Object.keys(set).length} field(s) corrected` } : { outcome: 'absent', detail: 'no document with this locator' });
      } catch (err) {
        out.push({ outcome: 'retry', detail: `database error: ${err instanceof Error ? err.name : 'unknown'}` });
      }
    }
    return out;
  }
}

/**
 * Builds collection connectors from bindings, one client per database URL (the driver connects on
 * first use); `${env:NAME}` in a URL is taken from the environment so credentials stay out of files.
 */
export function collectionConnectors(env: Record<string, string | undefined> = process.env) {
  const clients = new Map<string, MongoClient>();
  return {
    build(b: { url: string; database: string; collection: string; field?: string | undefined; rectifyPaths?: Partial<Record<Correction['field'], string>> | undefined; retry?: RetryPolicy | undefined }): DeletionConnector {
      const url = b.url.replace(/\$\{env:([^}]*)\}/g, (_, name: string) => {
        const v = env[name];
        if (v === undefined) throw new Error(`the MongoDB URL names \${env:${name}}, which is not set`);
        return v;
      });
      let client = clients.get(url);
      if (!client) clients.set(url, (client = new MongoClient(url)));
      return new MongoCollectionConnector(client.db(b.database).collection(b.collection) as unknown as CollectionLike, { ...(b.field ? { field: b.field } : {}), ...(b.rectifyPaths ? { rectifyPaths: b.rectifyPaths } : {}), ...(b.retry ? { retry: b.retry } : {}) });
    },
    async close(): Promise<void> {
      for (const c of clients.values()) await c.close();
    },
  };
}
