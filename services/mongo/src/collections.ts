import { MongoServerError, type Db, type Document, type IndexDescription } from 'mongodb';

/**
 * Every collection the store ports use, with the $jsonSchema validator the server enforces and the indexes
 * their queries need. Kept as data so a test can check each query has its index without a server.
 */
export interface CollectionSpec {
  name: string;
  validator: Document;
  indexes: IndexDescription[];
}

const str = { bsonType: 'string' } as const;
const strOrNull = { bsonType: ['string', 'null'] } as const;
const num = { bsonType: ['int', 'long', 'double'] } as const;
const iso = { bsonType: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' } as const;
const isoOrNull = { bsonType: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}T' } as const;
const strings = { bsonType: 'array', items: str } as const;

const schema = (required: string[], properties: Record<string, Document>, additionalProperties = true): Document => ({
  $jsonSchema: { bsonType: 'object', required, properties, ...(additionalProperties ? {} : { additionalProperties: false }) },
});

export const NAMES = {
  records: 'records',
  tasks: 'deletion_tasks',
  keyVault: 'key_vault',
  subjects: 'subjects',
  blindIndex: 'blind_index',
  audit: 'audit',
  deadLetters: 'dead_letters',
  tokens: 'api_tokens',
  eventIds: 'event_ids',
  holds: 'holds',
  requests: 'subject_requests',
  eventArchive: 'event_archive',
  meta: 'meta',
} as const;

export const RECORD_STATUSES = ['active', 'held', 'disposing', 'disposed'] as const;
export const TASK_STATUSES = ['pending', 'paused', 'done', 'failed'] as const;
export const HOLD_STATUSES = ['active', 'released'] as const;
export const DEAD_LETTER_STATUSES = ['open', 'reprocessed'] as const;

export const COLLECTIONS: CollectionSpec[] = [
  {
    name: NAMES.records,
    validator: schema(['_id', 'controller', 'category', 'subjectRef', 'status', 'dueAt', 'disposedAt', 'locations', 'lastOffset', 'disposal'], {
      _id: str,
      controller: str,
      category: str,
      subjectRef: str,
      status: { enum: [...RECORD_STATUSES] },
      dueAt: isoOrNull,
      // disposal.completedAt lifted to the top so "recently disposed" has a plain index
      disposedAt: isoOrNull,
      locations: { bsonType: 'array', items: { bsonType: 'object', required: ['store', 'locator'], properties: { store: str, locator: str } } },
      lastOffset: num,
      disposal: { bsonType: ['object', 'null'] },
    }),
    indexes: [
      // due(), nextDueAt(), stats().dueSoon and disposing(): equality on status, range and order on dueAt
      { key: { status: 1, dueAt: 1, _id: 1 }, name: 'status_due' },
      // bySubject() in id order; subject-rights requests list a subject's records
      { key: { subjectRef: 1, _id: 1 }, name: 'subject' },
      // stats().recentlyDisposed, newest first; only disposed records carry the field as a string
      { key: { disposedAt: -1 }, name: 'disposed', partialFilterExpression: { disposedAt: { $type: 'string' } } },
      // stats() counts per controller / category / status, and the DPO's per-council views
      { key: { controller: 1, category: 1, status: 1 }, name: 'controller_category_status' },
      // held(): the few records a hold kept past their due time, paged by id when a release re-decides them
      { key: { status: 1, _id: 1 }, name: 'held', partialFilterExpression: { status: 'held' } },
    ],
  },
  {
    name: NAMES.tasks,
    validator: schema(['_id', 'recordId', 'controller', 'store', 'locator', 'status', 'attempts', 'nextAttemptAt', 'lastError', 'receipt'], {
      _id: str,
      recordId: str,
      controller: str,
      store: str,
      locator: str,
      status: { enum: [...TASK_STATUSES] },
      attempts: num,
      nextAttemptAt: iso,
      lastError: strOrNull,
      receipt: { bsonType: ['object', 'null'] },
    }),
    indexes: [
      // ready(), nextAttemptAt(), failed() and the pending / failed counts in stats()
      { key: { status: 1, nextAttemptAt: 1, _id: 1 }, name: 'status_next_attempt' },
      // ofRecords(): a record's tasks when deciding whether it is disposed
      { key: { recordId: 1 }, name: 'record' },
    ],
  },
  {
    name: NAMES.keyVault,
    validator: schema(
      ['_id', 'wrapped', 'createdAt', 'destroyedAt'],
      { _id: str, wrapped: { bsonType: ['binData', 'null'] }, createdAt: iso, destroyedAt: isoOrNull },
      false,
    ),
    indexes: [],
  },
  {
    name: NAMES.subjects,
    validator: schema(['_id', 'controller', 'createdAt'], { _id: str, controller: str, createdAt: iso }, false),
    indexes: [],
  },
  {
    name: NAMES.blindIndex,
    validator: schema(['_id', 'controller', 'hash', 'subjectRef'], { _id: { bsonType: 'objectId' }, controller: str, hash: str, subjectRef: str }, false),
    indexes: [
      // one owner per (controller, hash): a concurrent resolver that would give a hash a second owner conflicts instead
      { key: { controller: 1, hash: 1 }, name: 'controller_hash', unique: true },
      // forget(): an erasure drops every hash of the subject
      { key: { subjectRef: 1 }, name: 'subject' },
    ],
  },
  {
    name: NAMES.audit,
    // _id is the seq: its unique index is what stops two appenders forking the chain
    validator: schema(
      ['_id', 'at', 'actor', 'action', 'reason', 'prevHash', 'hash'],
      {
        _id: num,
        at: iso,
        actor: str,
        action: str,
        target: { bsonType: 'object', required: ['kind', 'id'], properties: { kind: str, id: str }, additionalProperties: false },
        reason: str,
        policyVersion: str,
        details: str,
        prevHash: { bsonType: 'string', pattern: '^[0-9a-f]{64}$' },
        hash: { bsonType: 'string', pattern: '^[0-9a-f]{64}$' },
      },
      false,
    ),
    indexes: [
      // list({ targetId }): one record's or subject's trail, in seq order
      { key: { 'target.id': 1, _id: 1 }, name: 'target' },
    ],
  },
  {
    name: NAMES.deadLetters,
    validator: schema(['_id', 'n', 'receivedAt', 'eventId', 'type', 'controller', 'reasons', 'cardData', 'sealed', 'status', 'attempts', 'resolvedAt', 'resolvedEventId'], {
      _id: str,
      n: num,
      receivedAt: iso,
      eventId: strOrNull,
      type: strOrNull,
      controller: strOrNull,
      reasons: { bsonType: 'array' },
      cardData: { bsonType: 'array' },
      sealed: { bsonType: 'binData' },
      status: { enum: [...DEAD_LETTER_STATUSES] },
      attempts: num,
      resolvedAt: isoOrNull,
      resolvedEventId: strOrNull,
    }),
    indexes: [
      // arrival order: paging oldest / newest first with afterId
      { key: { n: 1 }, name: 'arrival', unique: true },
      // the same paging per status, and count(status)
      { key: { status: 1, n: 1 }, name: 'status_arrival' },
      // withSubjectHashes(): an erasure finds the person's dead letters
      { key: { controller: 1, subjectHashes: 1 }, name: 'subject_hashes', partialFilterExpression: { subjectHashes: { $exists: true } } },
    ],
  },
  {
    name: NAMES.tokens,
    // _id is sha256(token): the token itself is never stored
    validator: schema(['_id', 'name', 'roles', 'createdAt'], { _id: { bsonType: 'string', pattern: '^[0-9a-f]{64}$' }, name: str, roles: strings, createdAt: iso }, false),
    indexes: [],
  },
  {
    name: NAMES.eventIds,
    // accepted event ids (the _id index answers "seen?"); kept as long as the events' topics keep them, and longer is harmless
    validator: schema(['_id', 'acceptedAt'], { _id: str, acceptedAt: iso }, false),
    indexes: [],
  },
  {
    name: NAMES.holds,
    validator: schema(['_id', 'controller', 'scope', 'reason', 'status', 'placedAt', 'nextReviewAt', 'revision'], {
      _id: str,
      controller: str,
      scope: { bsonType: 'object', required: ['kind'], properties: { kind: { enum: ['record', 'subject', 'case', 'category'] } } },
      reason: str,
      status: { enum: [...HOLD_STATUSES] },
      placedAt: iso,
      nextReviewAt: iso,
      revision: num,
    }),
    indexes: [
      // list(): open holds (read whole by every sweep) and the DPO's per-council lists, newest first
      { key: { status: 1, placedAt: -1, _id: -1 }, name: 'status_placed' },
      { key: { controller: 1, status: 1, placedAt: -1, _id: -1 }, name: 'controller_status_placed' },
      { key: { placedAt: -1, _id: -1 }, name: 'placed' },
    ],
  },
  {
    name: NAMES.requests,
    validator: schema(['_id', 'controller', 'subjectRef', 'kind', 'status', 'receivedAt', 'clock', 'revision'], {
      _id: str,
      controller: str,
      subjectRef: str,
      kind: str,
      status: { enum: ['awaiting-identity', 'open', 'in-progress', 'completed', 'withdrawn'] },
      receivedAt: iso,
      clock: { bsonType: 'object', required: ['receivedOn'] },
      revision: num,
    }),
    indexes: [
      // list(): the DPO's open requests and each council's, newest first; a subject's requests
      { key: { status: 1, receivedAt: -1, _id: -1 }, name: 'status_received' },
      { key: { controller: 1, status: 1, receivedAt: -1, _id: -1 }, name: 'controller_status_received' },
      { key: { subjectRef: 1, receivedAt: -1, _id: -1 }, name: 'subject_received' },
      { key: { receivedAt: -1, _id: -1 }, name: 'received' },
    ],
  },
  {
    name: NAMES.eventArchive,
    validator: schema(['_id', 'recordId', 'subjectRef', 'receivedAt', 'sealed'], { _id: str, recordId: str, subjectRef: str, receivedAt: iso, sealed: { bsonType: ['binData', 'null'] } }),
    indexes: [
      // ofRecord() and purge(): a record's events, in arrival order
      { key: { recordId: 1, receivedAt: 1, _id: 1 }, name: 'record' },
    ],
  },
  {
    name: NAMES.meta,
    // the audit chain head and the dead-letter arrival counter
    validator: schema(['_id'], { _id: str }),
    indexes: [],
  },
];

/** creates what is missing and brings validators and indexes of existing collections up to date */
export async function ensureCollections(db: Db, specs: CollectionSpec[] = COLLECTIONS): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const spec of specs) {
    const validation = { validator: spec.validator, validationLevel: 'strict', validationAction: 'error' };
    if (existing.has(spec.name)) await db.command({ collMod: spec.name, ...validation });
    else {
      // another process opening the store at the same moment may create it first (NamespaceExists)
      await db.createCollection(spec.name, validation).catch(async (err: unknown) => {
        if (!(err instanceof MongoServerError && err.code === 48)) throw err;
        await db.command({ collMod: spec.name, ...validation });
      });
    }
    if (spec.indexes.length) await db.collection(spec.name).createIndexes(spec.indexes);
  }
}
