import type { EventArchive, SealedBox, StoredEvent } from '@custodian/core';
import type { Binary, Collection, Db } from 'mongodb';
import { sealedFromBinary, sealedToBinary } from './binary';
import { NAMES } from './collections';
import { plain } from './json';

type ArchivedDoc = Omit<StoredEvent, 'eventId' | 'sealed' | 'offset'> & { _id: string; sealed: Binary | null };

/** The lifecycle service's archive of accepted events (see the port): keyed by event id, found by record. */
export class MongoEventArchive implements EventArchive {
  readonly events: Collection<ArchivedDoc>;
  constructor(db: Db) {
    this.events = db.collection<ArchivedDoc>(NAMES.eventArchive);
  }

  async keep(events: StoredEvent[]): Promise<void> {
    if (!events.length) return;
    // $setOnInsert: a replay of the topics neither duplicates an event nor brings back a purged one
    await this.events.bulkWrite(
      events.map((e) => {
        const { eventId, sealed, offset: _o, ...rest } = plain(e);
        return { updateOne: { filter: { _id: eventId }, update: { $setOnInsert: { ...rest, sealed: sealed ? sealedToBinary(sealed) : null } }, upsert: true } };
      }),
      { ordered: false },
    );
  }

  async ofRecord(recordId: string): Promise<StoredEvent[]> {
    return (await this.events.find({ recordId }).sort({ receivedAt: 1, _id: 1 }).toArray()).map(({ _id, sealed, ...rest }) => ({ ...rest, eventId: _id, sealed: sealed ? sealedFromBinary(sealed) : null }));
  }

  async rewriteSealed(updates: Array<{ eventId: string; sealed: SealedBox }>): Promise<number> {
    let n = 0;
    for (const u of updates) n += (await this.events.updateOne({ _id: u.eventId, sealed: { $ne: null } }, { $set: { sealed: sealedToBinary(u.sealed) } })).modifiedCount;
    return n;
  }

  async purge(recordIds: string[]): Promise<Map<string, number>> {
    const out = new Map(recordIds.map((id) => [id, 0]));
    if (!recordIds.length) return out;
    for (const d of await this.events.find({ recordId: { $in: recordIds }, sealed: { $ne: null } }, { projection: { recordId: 1 } }).toArray()) out.set(d.recordId, (out.get(d.recordId) ?? 0) + 1);
    await this.events.updateMany({ recordId: { $in: recordIds } }, [{ $set: { sealed: null, locations: { $map: { input: '$locations', as: 'l', in: { store: '$$l.store', locator: '[disposed]' } } } } }]);
    return out;
  }
}
