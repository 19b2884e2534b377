import type { Document, Filter } from 'mongodb';
import { MongoCollectionConnector, type CollectionLike } from './collection-connector';

/** an in-memory collection answering the three calls the connector makes, as the driver would */
class FakeCollection implements CollectionLike {
  docs: Document[] = [];
  down = false;
  private match(filter: Filter<Document>, d: Document): boolean {
    return Object.entries(filter).every(([k, v]) => {
      const val = k.split('.').reduce<unknown>((o, p) => (o as Document | undefined)?.[p], d);
      return v && typeof v === 'object' && '$in' in v ? (v.$in as unknown[]).includes(val) : val === v;
    });
  }
  private check() {
    if (this.down) throw Object.assign(new Error('connection refused'), { name: 'MongoNetworkError' });
  }
  find(filter: Filter<Document>) {
    return { toArray: async () => (this.check(), this.docs.filter((d) => this.match(filter, d))) };
  }
  async deleteMany(filter: Filter<Document>) {
    this.check();
    const before = this.docs.length;
    this.docs = this.docs.filter((d) => !this.match(filter, d));
    return { deletedCount: before - this.docs.length };
  }
  async updateOne(filter: Filter<Document>, update: Document) {
    this.check();
    const d = this.docs.find((x) => this.match(filter, x));
    if (d) for (const [path, v] of Object.entries(update.$set as Document)) {
      const keys = path.split('.');
      let o = d;
      for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Document;
      o[keys.at(-1)!] = v;
    }
    return { matchedCount: d ? 1 : 0 };
  }
}

const req = (locator: string, i = 0) => ({ taskId: `t${i}`, recordId: `rec_${i}`, controller: 'durham', store: 'case-archive', locator, attempt: 1 });

describe('MongoCollectionConnector', () => {
  it('deletes every document of a record by its locator field; what is gone is absent; a retry changes nothing', async () => {
    const coll = new FakeCollection();
    coll.docs = [{ caseRef: 'A', n: 1 }, { caseRef: 'A', n: 2 }, { caseRef: 'B' }, { caseRef: 'C' }];
    const c = new MongoCollectionConnector(coll, { field: 'caseRef' });
    const res = await c.delete([req('A', 1), req('B', 2), req('Z', 3)]);
    expect(res.map((r) => r.outcome)).toEqual(['deleted', 'deleted', 'absent']);
    expect(coll.docs).toEqual([{ caseRef: 'C' }]);
    expect((await c.delete([req('A', 1)]))[0]!.outcome).toBe('absent');
  });
  it('a database that does not answer is a retry, with no document content in the detail', async () => {
    const coll = new FakeCollection();
    coll.docs = [{ _id: 'A', email: 'pat@example.org' }];
    coll.down = true;
    const [r] = await new MongoCollectionConnector(coll).delete([req('A')]);
    expect(r).toEqual({ outcome: 'retry', detail: 'database error: MongoNetworkError' });
  });
  it('corrects the mapped details of a record\'s document; unmapped details are not held here', async () => {
    const coll = new FakeCollection();
    coll.docs = [{ _id: 'A', contact: { email: 'old@example.org', name: 'Pat' } }];
    const c = new MongoCollectionConnector(coll, { rectifyPaths: { email: 'contact.email' } });
    const corr = (field: 'email' | 'phone', value: string) => ({ ...req('A'), corrections: [{ field, value }] });
    expect(await c.rectify([corr('email', 'new@example.org'), corr('phone', '07700 900000'), { ...corr('email', 'x@example.org'), locator: 'Z' }])).toEqual([
      { outcome: 'updated', detail: '1 field(s) corrected' },
      { outcome: 'absent', detail: 'this collection holds none of the corrected details' },
      { outcome: 'absent', detail: 'no document with this locator' },
    ]);
    expect(coll.docs).toEqual([{ _id: 'A', contact: { email: 'new@example.org', name: 'Pat' } }]);
  });
});
