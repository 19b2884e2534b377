import { MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import type { IdempotencyKeys } from '@custodian/core';
import { NAMES } from './collections';

export interface EventIdDoc {
  _id: string;
  acceptedAt: string;
}

const DUPLICATE_KEY = 11000;

/** accepted event ids, so ingest answers "duplicate" for a repeat Kafka could not refuse */
export class MongoIdempotencyKeys implements IdempotencyKeys {
  readonly ids: Collection<EventIdDoc>;
  constructor(db: Db) {
    this.ids = db.collection<EventIdDoc>(NAMES.eventIds);
  }
  async seen(eventIds: string[]): Promise<Set<string>> {
    if (!eventIds.length) return new Set();
    const found = await this.ids.find({ _id: { $in: eventIds } }, { projection: { _id: 1 } }).toArray();
    return new Set(found.map((d) => d._id));
  }
  async remember(eventIds: string[], atIso: string): Promise<void> {
    if (!eventIds.length) return;
    try {
      // unordered: an id another ingest instance recorded meanwhile fails alone, the rest are kept
      await this.ids.insertMany(eventIds.map((_id) => ({ _id, acceptedAt: atIso })), { ordered: false });
    } catch (e) {
      if (!(e instanceof MongoBulkWriteError) || !e.writeErrors || (Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors]).some((w) => w.code !== DUPLICATE_KEY)) throw e;
    }
  }
}
