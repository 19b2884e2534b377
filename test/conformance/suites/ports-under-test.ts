import type { ApiTokens, AuditEntry, AuditLog, DeadLetter, DeadLetterStore, DeletionTask, DeletionTasks, EventArchive, HoldStore, IdempotencyKeys, RequestStore, KeyVault, Registry, SealedBox, SubjectIndex } from '@custodian/core';
import type { RecordState } from '@custodian/workflows';

/** Reaches behind an adapter to damage its stored audit trail, the way an intruder with database access would. */
export interface AuditTamper {
  /** rewrites fields of a stored entry; its stored hash stays as it was */
  alter(seq: number, fields: Partial<Pick<AuditEntry, 'actor' | 'action' | 'reason'>>): Promise<void>;
  /** deletes the newest entry and leaves the recorded chain head where it was */
  removeLast(): Promise<void>;
}

/** The store ports of one runtime over one fresh, empty state. */
export interface PortsUnderTest {
  registry: Registry;
  tasks: DeletionTasks;
  vault: KeyVault;
  subjects: SubjectIndex;
  audit: AuditLog;
  deadLetters: DeadLetterStore;
  tokens: ApiTokens;
  holds: HoldStore;
  requests: RequestStore;
  /** the distributed runtime's archive of events (the embedded log is its own) */
  archive?: EventArchive;
  /** where the runtime's log cannot refuse repeats itself (distributed) */
  idempotency?: IdempotencyKeys;
  /** absent only for an adapter whose storage a test cannot reach around */
  tamper?: AuditTamper;
  close(): Promise<void>;
}

export type PortsFactory = () => Promise<PortsUnderTest>;

/** opens fresh ports before each test and closes them after */
export function freshPorts(open: PortsFactory): () => PortsUnderTest {
  let current: PortsUnderTest | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('ports are only open inside a test');
    return current;
  };
}

export function record(id: string, over: Partial<RecordState> = {}): RecordState {
  return {
    id,
    controller: 'council-a',
    category: 'complaint',
    subjectRef: 'subj-1',
    status: 'active',
    lawfulBasis: '6(1)(e)',
    policyVersion: 'council-a@1.0.0',
    retention: { duration: 'P6Y', trigger: 'closed', action: 'delete' },
    lifecycle: { firstAt: '2020-01-01T09:00:00.000Z', lastAt: '2020-02-01T09:00:00.000Z', open: false, closedAt: '2020-02-01T09:00:00.000Z', escalatedAt: null, events: 2, reopenedAt: null },
    clockStartedAt: '2020-02-01T09:00:00.000Z',
    dueAt: '2026-02-01T09:00:00.000Z',
    dueReason: 'P6Y after the complaint was closed',
    locations: [{ store: 'crm', locator: `CRM-${id}` }],
    team: null,
    callCentreLocation: null,
    registeredAt: '2020-01-01T09:00:01.000Z',
    updatedAt: '2020-02-01T09:00:01.000Z',
    lastOffset: 7,
    disposal: null,
    ...over,
  };
}

export function disposed(r: RecordState, completedAt: string): RecordState {
  return {
    ...r,
    status: 'disposed',
    locations: r.locations.map((l) => ({ store: l.store, locator: '[disposed]' })),
    disposal: {
      startedAt: '2026-02-01T10:00:00.000Z',
      completedAt,
      receipts: [
        { store: 'crm', outcome: 'deleted', at: completedAt, detail: 'HTTP 204', reference: 'del-77' },
        { store: 'recordings', outcome: 'absent', at: completedAt, detail: 'file was already gone' },
      ],
    },
  };
}

export function task(recordId: string, store: string, over: Partial<DeletionTask> = {}): DeletionTask {
  return {
    taskId: `${recordId}/${store}`,
    recordId,
    controller: 'council-a',
    store,
    locator: `${store}-${recordId}`,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: '2026-02-01T10:00:00.000Z',
    lastError: null,
    receipt: null,
    ...over,
  };
}

export function sealedBox(kid: string, ctBytes = 40): SealedBox {
  return {
    v: 1,
    kid,
    iv: Buffer.alloc(12, 7).toString('base64'),
    tag: Buffer.alloc(16, 9).toString('base64'),
    ct: Buffer.from(Array.from({ length: ctBytes }, (_, i) => (i * 37) % 256)).toString('base64'),
  };
}

export function deadLetter(id: string, over: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id,
    receivedAt: '2026-03-01T09:00:00.000Z',
    eventId: `evt-${id}`,
    type: 'complaint.opened',
    controller: 'council-a',
    reasons: [{ path: 'payload.contact.email', message: 'Invalid email address' }],
    cardData: [{ path: 'payload.summary', action: 'truncated' }],
    sealed: sealedBox(`dl-${id}`),
    status: 'open',
    attempts: 0,
    resolvedAt: null,
    resolvedEventId: null,
    ...over,
  };
}

/** an audit detail no store can keep: makes the audit half of a two-part write fail after the first half */
export const UNSTORABLE = { actor: 'test', action: 'x.unstorable', reason: 'cannot be serialised', details: { n: BigInt(1) } };

export const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
export const byTaskId = (xs: DeletionTask[]) => [...xs].sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));

/**
 * What `p` rejected with; fails if it resolved. Used where the adapter's own error class is thrown:
 * better-sqlite3 keeps the SqliteError class of the first test file that loaded it in a process,
 * and an error of another file's realm does not satisfy `rejects.toThrow()`.
 */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  const r = await p.then(
    () => ({ resolved: true as const }),
    (e: unknown) => ({ resolved: false as const, e }),
  );
  if (r.resolved) throw new Error('expected the call to fail, but it succeeded');
  return r.e;
}

/** a duplicate key, in any adapter's words */
export const DUPLICATE = /unique|duplicate|exists|E11000/i;
