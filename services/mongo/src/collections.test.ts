import { chain, type DeadLetter } from '@custodian/core';
import type { RecordState } from '@custodian/workflows';
import { ObjectId, type Document } from 'mongodb';
import { toAuditDoc } from './audit';
import { COLLECTIONS, NAMES, type CollectionSpec } from './collections';
import { toDeadLetterDoc } from './dead-letters';
import { schemaErrors } from './json-schema.test-util';
import { toRecordDoc } from './registry';
import { toTaskDoc } from './tasks';
import { toBinary } from './binary';

const spec = (name: string): CollectionSpec => COLLECTIONS.find((c) => c.name === name)!;
const errors = (name: string, doc: unknown) => schemaErrors((spec(name).validator as { $jsonSchema: Document }).$jsonSchema, doc);

const record: RecordState = {
  id: 'rec-1',
  controller: 'council-a',
  category: 'complaint',
  subjectRef: 'subj-1',
  status: 'active',
  lawfulBasis: '6(1)(e)',
  policyVersion: 'council-a@1.0.0',
  retention: { duration: 'P6Y', trigger: 'closed', action: 'delete' },
  lifecycle: { firstAt: '2020-01-01T09:00:00.000Z', lastAt: '2020-01-01T09:00:00.000Z', open: true, closedAt: null, escalatedAt: null, events: 1, reopenedAt: null },
  clockStartedAt: null,
  dueAt: null,
  dueReason: 'open complaint',
  locations: [{ store: 'crm', locator: 'C-1' }],
  team: null,
  callCentreLocation: null,
  registeredAt: '2020-01-01T09:00:00.000Z',
  updatedAt: '2020-01-01T09:00:00.000Z',
  lastOffset: 1,
  disposal: null,
};

describe('validators accept what the adapters write and refuse what they never would', () => {
  test('every collection has a $jsonSchema validator', () => {
    expect(COLLECTIONS.map((c) => c.name).sort()).toEqual(Object.values(NAMES).sort());
    for (const c of COLLECTIONS) expect(c.validator.$jsonSchema).toMatchObject({ bsonType: 'object' });
  });

  test('records', () => {
    expect(errors(NAMES.records, toRecordDoc(record))).toEqual([]);
    expect(errors(NAMES.records, toRecordDoc({ ...record, status: 'disposed', disposal: { startedAt: '2026-01-01T00:00:00.000Z', completedAt: '2026-01-01T00:00:00.000Z', receipts: [] } }))).toEqual([]);
    expect(errors(NAMES.records, toRecordDoc({ ...record, status: 'archived' as never }))).toEqual(['$.status: archived not in enum']);
    expect(errors(NAMES.records, { ...toRecordDoc(record), dueAt: 'next tuesday' })).toEqual([expect.stringMatching(/^\$\.dueAt: does not match/)]);
    const { subjectRef: _s, ...noSubject } = toRecordDoc(record);
    expect(errors(NAMES.records, noSubject)).toEqual(['$.subjectRef: required']);
  });

  test('deletion tasks', () => {
    const t = { taskId: 'rec-1/crm', recordId: 'rec-1', controller: 'council-a', store: 'crm', locator: 'C-1', status: 'pending' as const, attempts: 0, nextAttemptAt: '2026-01-01T00:00:00.000Z', lastError: null, receipt: null };
    expect(errors(NAMES.tasks, toTaskDoc(t))).toEqual([]);
    expect(errors(NAMES.tasks, toTaskDoc({ ...t, status: 'done', receipt: { store: 'crm', outcome: 'deleted', at: '2026-01-01T00:00:00.000Z', detail: 'ok' } }))).toEqual([]);
    expect(errors(NAMES.tasks, toTaskDoc({ ...t, attempts: '1' as never }))).toEqual(['$.attempts: string is not int|long|double']);
  });

  test('key vault: a wrapped key is BinData or null (destroyed), nothing else', () => {
    const k = { _id: 'kid-1', wrapped: toBinary(Buffer.alloc(40)), createdAt: '2026-01-01T00:00:00.000Z', destroyedAt: null };
    expect(errors(NAMES.keyVault, k)).toEqual([]);
    expect(errors(NAMES.keyVault, { ...k, wrapped: null, destroyedAt: '2026-01-02T00:00:00.000Z' })).toEqual([]);
    expect(errors(NAMES.keyVault, { ...k, wrapped: 'base64 text' })).toEqual(['$.wrapped: string is not binData|null']);
    expect(errors(NAMES.keyVault, { ...k, plaintext: 'x' })).toEqual(['$.plaintext: not allowed']);
  });

  test('subjects and blind index', () => {
    expect(errors(NAMES.subjects, { _id: 'subj-1', controller: 'council-a', createdAt: '2026-01-01T00:00:00.000Z' })).toEqual([]);
    expect(errors(NAMES.blindIndex, { _id: new ObjectId(), controller: 'council-a', hash: 'h', subjectRef: 'subj-1' })).toEqual([]);
    expect(errors(NAMES.blindIndex, { _id: new ObjectId(), controller: 'council-a', hash: 'h', subjectRef: 'subj-1', email: 'x' })).toEqual(['$.email: not allowed']);
  });

  test('audit entries, with and without optional members; no room for extra fields', () => {
    const [a, b] = chain(null, [{ actor: 'x', action: 'y', target: { kind: 'record', id: 'rec-1' }, reason: 'z', policyVersion: 'p@1', details: { k: 1 } }, { actor: 'x', action: 'y', reason: 'z' }], '2026-01-01T00:00:00.000Z');
    expect(errors(NAMES.audit, toAuditDoc(a!))).toEqual([]);
    expect(errors(NAMES.audit, toAuditDoc(b!))).toEqual([]);
    expect(errors(NAMES.audit, { ...toAuditDoc(b!), hash: 'not-a-hash' })).toEqual([expect.stringMatching(/^\$\.hash: does not match/)]);
    expect(errors(NAMES.audit, { ...toAuditDoc(b!), extra: 1 })).toEqual(['$.extra: not allowed']);
  });

  test('dead letters keep their sealed original as BinData', () => {
    const dl: DeadLetter = {
      id: 'dl-1',
      receivedAt: '2026-01-01T00:00:00.000Z',
      eventId: null,
      type: null,
      controller: null,
      reasons: [],
      cardData: [],
      sealed: { v: 1, kid: 'k', iv: Buffer.alloc(12).toString('base64'), tag: Buffer.alloc(16).toString('base64'), ct: 'AAAA' },
      status: 'open',
      attempts: 0,
      resolvedAt: null,
      resolvedEventId: null,
    };
    expect(errors(NAMES.deadLetters, toDeadLetterDoc(dl, 1))).toEqual([]);
    expect(errors(NAMES.deadLetters, { ...toDeadLetterDoc(dl, 1), sealed: dl.sealed })).toEqual(['$.sealed: object is not binData']);
  });

  test('api tokens are stored by hash only', () => {
    const t = { _id: 'a'.repeat(64), name: 'ops', roles: ['operator'], createdAt: '2026-01-01T00:00:00.000Z' };
    expect(errors(NAMES.tokens, t)).toEqual([]);
    expect(errors(NAMES.tokens, { ...t, _id: 'cus_rawtoken' })).toEqual([expect.stringMatching(/^\$\._id: does not match/)]);
    expect(errors(NAMES.tokens, { ...t, token: 'cus_rawtoken' })).toEqual(['$.token: not allowed']);
  });
});

/**
 * Each query the adapters run, as (equality fields, then range / sort fields in order). An index serves it when
 * its key starts with the equality fields (any order) followed by the range / sort fields.
 */
const QUERIES: Array<{ collection: string; query: string; equality: string[]; then: string[]; partial?: Document }> = [
  { collection: NAMES.records, query: 'Registry.due / stats.dueSoon', equality: ['status'], then: ['dueAt', '_id'] },
  { collection: NAMES.records, query: 'Registry.nextDueAt', equality: ['status'], then: ['dueAt'] },
  { collection: NAMES.records, query: 'Registry.disposing', equality: ['status'], then: [] },
  { collection: NAMES.records, query: 'Registry.bySubject', equality: ['subjectRef'], then: ['_id'] },
  { collection: NAMES.records, query: 'stats.recentlyDisposed', equality: [], then: ['disposedAt'], partial: { disposedAt: { $type: 'string' } } },
  { collection: NAMES.records, query: 'stats.byControllerCategoryStatus', equality: ['controller', 'category', 'status'], then: [] },
  { collection: NAMES.tasks, query: 'DeletionTasks.ready', equality: ['status'], then: ['nextAttemptAt', '_id'] },
  { collection: NAMES.tasks, query: 'DeletionTasks.nextAttemptAt / failed / stats counts', equality: ['status'], then: [] },
  { collection: NAMES.tasks, query: 'DeletionTasks.ofRecords', equality: ['recordId'], then: [] },
  { collection: NAMES.blindIndex, query: 'SubjectIndex.resolve', equality: ['controller', 'hash'], then: [] },
  { collection: NAMES.audit, query: 'AuditLog.list({ targetId })', equality: ['target.id'], then: ['_id'] },
  { collection: NAMES.deadLetters, query: 'DeadLetterStore.list (all)', equality: [], then: ['n'] },
  { collection: NAMES.deadLetters, query: 'DeadLetterStore.list ({ status }) / count', equality: ['status'], then: ['n'] },
  { collection: NAMES.records, query: 'Registry.held (paged by id)', equality: ['status'], then: ['_id'], partial: { status: 'held' } },
  { collection: NAMES.holds, query: 'HoldStore.list ({ status })', equality: ['status'], then: ['placedAt', '_id'] },
  { collection: NAMES.holds, query: 'HoldStore.list ({ controller, status })', equality: ['controller', 'status'], then: ['placedAt', '_id'] },
  { collection: NAMES.holds, query: 'HoldStore.list (all)', equality: [], then: ['placedAt', '_id'] },
  { collection: NAMES.requests, query: 'RequestStore.list ({ status })', equality: ['status'], then: ['receivedAt', '_id'] },
  { collection: NAMES.requests, query: 'RequestStore.list ({ controller, status })', equality: ['controller', 'status'], then: ['receivedAt', '_id'] },
  { collection: NAMES.requests, query: 'RequestStore.list ({ subjectRef })', equality: ['subjectRef'], then: ['receivedAt', '_id'] },
  { collection: NAMES.requests, query: 'RequestStore.list (all)', equality: [], then: ['receivedAt', '_id'] },
  { collection: NAMES.blindIndex, query: 'SubjectIndex.forget', equality: ['subjectRef'], then: [] },
  { collection: NAMES.eventArchive, query: 'EventArchive.ofRecord / purge', equality: ['recordId'], then: ['receivedAt', '_id'] },
];

describe('indexes', () => {
  test.each(QUERIES)('$collection: $query has an index', ({ collection, equality, then, partial }) => {
    const serving = spec(collection).indexes.filter((ix) => {
      const fields = Object.keys(ix.key as Document);
      const eq = fields.slice(0, equality.length);
      const rest = fields.slice(equality.length, equality.length + then.length);
      if (ix.partialFilterExpression && JSON.stringify(ix.partialFilterExpression) !== JSON.stringify(partial)) return false;
      return [...eq].sort().join() === [...equality].sort().join() && rest.join() === then.join();
    });
    expect(serving.map((ix) => ix.name)).toHaveLength(1);
  });

  test('uniqueness that the contracts rely on is enforced by the server', () => {
    const unique = COLLECTIONS.flatMap((c) => c.indexes.filter((ix) => ix.unique).map((ix) => `${c.name}.${ix.name}`));
    expect(unique.sort()).toEqual([`${NAMES.blindIndex}.controller_hash`, `${NAMES.deadLetters}.arrival`]);
  });

  test('no TTL index: the platform, not a background pass, deletes what it holds', () => {
    for (const c of COLLECTIONS) for (const ix of c.indexes) expect(ix.expireAfterSeconds).toBeUndefined();
  });

  test('index names are unique per collection', () => {
    for (const c of COLLECTIONS) expect(new Set(c.indexes.map((ix) => ix.name)).size).toBe(c.indexes.length);
  });
});
