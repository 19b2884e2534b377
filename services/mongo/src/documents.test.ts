import { chain, entryHash, type AuditEntry, type DeadLetter, type DeletionTask } from '@custodian/core';
import type { RecordState } from '@custodian/workflows';
import { BSON, Binary } from 'mongodb';
import { fromAuditDoc, toAuditDoc, type AuditDoc } from './audit';
import { fromBinary, sealedFromBinary, sealedToBinary, toBinary } from './binary';
import { fromDeadLetterDoc, toDeadLetterDoc, type DeadLetterDoc } from './dead-letters';
import { fromRecordDoc, toRecordDoc, type RecordDoc } from './registry';
import { fromTaskDoc, toTaskDoc, type TaskDoc } from './tasks';

/** through the wire as the driver sends and reads it by default (undefined -> null, Binary not promoted) */
const wire = <T extends object>(doc: T): T => BSON.deserialize(BSON.serialize(doc, { ignoreUndefined: false })) as T;

const record = (over: Partial<RecordState> = {}): RecordState => ({
  id: 'rec-1',
  controller: 'council-a',
  category: 'call-recording',
  subjectRef: 'subj-1',
  status: 'active',
  lawfulBasis: '6(1)(e)',
  policyVersion: 'council-a@1.2.0',
  retention: { duration: 'P40D', trigger: 'occurred', action: 'delete' },
  lifecycle: { firstAt: '2026-01-01T09:00:00.000Z', lastAt: '2026-01-01T09:00:00.000Z', open: false, closedAt: null, escalatedAt: null, events: 1, reopenedAt: null },
  clockStartedAt: '2026-01-01T09:00:00.000Z',
  dueAt: '2026-02-10T09:00:00.000Z',
  dueReason: 'P40D after the call',
  locations: [{ store: 'recordings', locator: 'rec/2026/01/01/abc.wav' }],
  team: 'customer-services',
  callCentreLocation: 'castle-house',
  registeredAt: '2026-01-01T09:00:01.000Z',
  updatedAt: '2026-01-01T09:00:01.000Z',
  lastOffset: 2 ** 33,
  disposal: null,
  ...over,
});

const box = { v: 1 as const, kid: 'dl-key-1', iv: Buffer.alloc(12, 1).toString('base64'), tag: Buffer.alloc(16, 2).toString('base64'), ct: Buffer.from('sealed bytes, not personal data in this test').toString('base64') };

describe('record documents', () => {
  test('a record round-trips exactly, with _id for its id and the disposal time lifted for its index', () => {
    const disposed = record({
      status: 'disposed',
      disposal: {
        startedAt: '2026-02-10T09:00:00.000Z',
        completedAt: '2026-02-10T09:05:00.000Z',
        receipts: [
          { store: 'recordings', outcome: 'deleted', at: '2026-02-10T09:05:00.000Z', detail: 'HTTP 204', reference: 'v-1' },
          { store: 'crm', outcome: 'absent', at: '2026-02-10T09:05:00.000Z', detail: 'not found' },
        ],
      },
    });
    for (const r of [record(), record({ dueAt: null, clockStartedAt: null, team: null }), disposed]) {
      const doc = wire(toRecordDoc(r));
      expect(doc._id).toBe(r.id);
      expect('id' in doc).toBe(false);
      expect(doc.disposedAt).toBe(r.disposal?.completedAt ?? null);
      expect(fromRecordDoc(doc)).toStrictEqual(r);
    }
  });

  test('a member set to undefined is dropped, not stored as null', () => {
    const r = record();
    const withUndefined = { ...r, disposal: { startedAt: 'x', completedAt: null, receipts: [{ store: 's', outcome: 'deleted' as const, at: 'y', detail: 'd', reference: undefined }] } };
    const back = fromRecordDoc(wire<RecordDoc>(toRecordDoc(withUndefined)));
    expect(back.disposal!.receipts[0]).toStrictEqual({ store: 's', outcome: 'deleted', at: 'y', detail: 'd' });
  });

  test('the document is a copy: changing the record afterwards does not change it', () => {
    const r = record();
    const doc = toRecordDoc(r);
    r.locations[0]!.locator = 'changed';
    expect(doc.locations[0]!.locator).toBe('rec/2026/01/01/abc.wav');
  });
});

describe('task documents', () => {
  test('a task round-trips exactly with its taskId as _id', () => {
    const pending: DeletionTask = { taskId: 'rec-1/recordings', recordId: 'rec-1', controller: 'council-a', store: 'recordings', locator: 'abc.wav', status: 'pending', attempts: 0, nextAttemptAt: '2026-02-10T09:00:00.000Z', lastError: null, receipt: null };
    const done: DeletionTask = { ...pending, locator: '[disposed]', status: 'done', attempts: 3, lastError: null, receipt: { store: 'recordings', outcome: 'deleted', at: '2026-02-10T09:05:00.000Z', detail: 'HTTP 204', reference: 'v-1' } };
    for (const t of [pending, done, { ...pending, status: 'failed' as const, lastError: 'HTTP 500' }]) {
      const doc = wire<TaskDoc>(toTaskDoc(t));
      expect(doc._id).toBe(t.taskId);
      expect(fromTaskDoc(doc)).toStrictEqual(t);
    }
  });
});

describe('dead-letter documents', () => {
  const dl: DeadLetter = {
    id: 'dl-1',
    receivedAt: '2026-03-01T09:00:00.000Z',
    eventId: 'evt-1',
    type: 'payment.taken',
    controller: 'council-a',
    reasons: [{ path: 'payload.amountPence', message: 'must be a positive integer' }],
    cardData: [{ path: 'payload.reference', action: 'truncated' }],
    sealed: box,
    status: 'open',
    attempts: 0,
    resolvedAt: null,
    resolvedEventId: null,
  };

  test('a dead letter round-trips exactly; its sealed box is one BinData and n keeps arrival order', () => {
    for (const e of [dl, { ...dl, eventId: null, type: null, controller: null, reasons: [], cardData: [], status: 'reprocessed' as const, resolvedAt: '2026-03-02T00:00:00.000Z', resolvedEventId: 'evt-2', attempts: 2 }]) {
      const doc = wire<DeadLetterDoc>(toDeadLetterDoc(e, 42));
      expect(doc._id).toBe(e.id);
      expect(doc.n).toBe(42);
      expect(doc.sealed).toBeInstanceOf(Binary);
      expect(fromDeadLetterDoc(doc)).toStrictEqual(e);
    }
  });
});

describe('sealed boxes and keys as BinData', () => {
  test('a sealed box packs into BinData smaller than its base64 fields and unpacks to the same box', () => {
    const bin = sealedToBinary(box);
    expect(bin.sub_type).toBe(Binary.SUBTYPE_DEFAULT);
    expect(bin.length()).toBeLessThan(Buffer.byteLength(JSON.stringify(box)));
    expect(sealedFromBinary(wire({ b: bin }).b)).toStrictEqual(box);
  });

  test('a malformed box is refused before it is stored', () => {
    expect(() => sealedToBinary({ ...box, iv: Buffer.alloc(8).toString('base64') })).toThrow(/12-byte IV/);
  });

  test('key bytes go in and come out as copies', () => {
    const key = Buffer.alloc(40, 5);
    const bin = toBinary(key);
    key.fill(0);
    const out = fromBinary(wire({ b: bin }).b);
    expect(out).toEqual(Buffer.alloc(40, 5));
    out.fill(1);
    expect(fromBinary(bin)).toEqual(Buffer.alloc(40, 5));
  });
});

describe('audit documents', () => {
  const entries: AuditEntry[] = chain(
    null,
    [
      { actor: 'sweeper', action: 'record.disposed', target: { kind: 'record', id: 'rec-1' }, reason: 'retention ended', policyVersion: 'council-a@1.2.0', details: { receipts: [{ store: 'crm', reference: undefined }], n: 1, nested: { 'a.b': true, $x: null } } },
      { actor: 'system', action: 'clock.advanced', reason: 'P40D' },
    ],
    '2026-02-10T09:05:00.000Z',
  );

  test('an entry keeps seq as _id and its details as JSON text; it reads back as the JSON of what was appended', () => {
    for (const e of entries) {
      const doc = wire<AuditDoc>(toAuditDoc(e));
      expect(doc._id).toBe(e.seq);
      const back = fromAuditDoc(doc);
      expect(back).toStrictEqual(JSON.parse(JSON.stringify(e)));
      // the hash the chain module computed still matches: undefined did not become null on the way
      expect(entryHash(back)).toBe(e.hash);
    }
  });

  test('absent optional members are absent from the document, not null', () => {
    const doc = toAuditDoc(entries[1]!);
    expect(Object.keys(doc).sort()).toEqual(['_id', 'action', 'actor', 'at', 'hash', 'prevHash', 'reason']);
  });
});
