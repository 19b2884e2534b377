/**
 * The ports both runtimes implement (embedded: SQLite; distributed: Kafka, Temporal, MongoDB).
 * Coarse-grained on purpose: each method is one atomic unit in its adapter, so an adapter on a
 * store with multi-document transactions and one on SQLite give the same guarantees.
 * Nothing that crosses a port here carries personal data in clear except `SealedBox` contents.
 */
import type { DataCategory, DataLocation, FieldError, LifecycleFacts, PanFinding } from '@custodian/contracts';
import type { Hold, RecordState, RecordStatus, RetryPolicy, SubjectRequest } from '@custodian/workflows';

export interface Clock {
  now(): Date;
  readonly simulated: boolean;
}

/** A simulated clock: only the embedded runtime with the explicit flag has one. */
export interface AdvanceableClock extends Clock {
  /** moves time forward by an ISO 8601 duration (P40D) and returns the new now */
  advance(isoDuration: string): Date;
}

/** AES-256-GCM ciphertext under a key identified by `kid` (a subject's data key, or a dead letter's). */
export interface SealedBox {
  v: 1;
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

/** An accepted event as the log keeps it: lifecycle facts in clear, identifiers and payload sealed. */
export interface StoredEvent {
  offset?: number;
  eventId: string;
  type: string;
  version: number;
  source: { system: string; instance?: string | undefined };
  controller: string;
  category: DataCategory;
  occurredAt: string;
  receivedAt: string;
  subjectRef: string;
  recordId: string;
  facts: LifecycleFacts;
  locations: DataLocation[];
  /** where card numbers were found and made unreadable before anything was stored */
  cardData: PanFinding[];
  policyVersion: string;
  trace?: { traceparent: string; tracestate?: string | undefined } | undefined;
  /** identifiers + payload; null once the record was disposed and the copy purged */
  sealed: SealedBox | null;
}

export type PublishStatus = { eventId: string; status: 'appended'; offset: number } | { eventId: string; status: 'duplicate' };

/** A batch handed to a subscriber; its position is committed only once the handler has resolved. */
export interface StreamBatch {
  /** where the batch came from: "log" for the embedded log, "<topic>/<partition>" for Kafka */
  source: string;
  events: StoredEvent[];
}

/**
 * What both runtimes' event streams do, and what the port-conformance suite checks for each: the
 * embedded log and Kafka topics. Offsets are comparable only within one source; one record's events
 * always share a source (Kafka keys by subject, and a record has one subject and one event family).
 */
export interface EventStream {
  publish(events: StoredEvent[]): Promise<PublishStatus[]>;
  /**
   * delivers every event after the group's committed position, in order within a source, and
   * commits a batch's position only after `handler` resolved: a crash re-delivers, never skips
   */
  subscribe(group: string, handler: (batch: StreamBatch) => Promise<void>, opts?: { maxBatch?: number }): Promise<Subscription>;
}
export interface Subscription {
  /** stops after the batch in hand is handled and committed */
  stop(): Promise<void>;
}

/** The embedded runtime's durable, append-only event log: the stream plus what only a log it owns can do. */
export interface EventBus extends EventStream {
  /** appends, deduplicating by eventId against everything ever appended */
  publish(events: StoredEvent[]): Promise<PublishStatus[]>;
  /**
   * the next events after the group's committed position; `withSealed: false` leaves `sealed` null
   * for consumers that reason on lifecycle facts only (it spares decoding every payload)
   */
  poll(group: string, max: number, opts?: { withSealed?: boolean }): Promise<StoredEvent[]>;
  commit(group: string, offset: number): Promise<void>;
  committed(group: string): Promise<number>;
  /** operators' replay: moves the group to just before `offset`, or to the first event appended at or after `time` */
  seek(group: string, to: { offset: number } | { time: string }): Promise<{ offset: number }>;
  /** events of one record (for disposal of the log's copy and, later, access requests) */
  eventsOfRecord(recordId: string): Promise<StoredEvent[]>;
  /**
   * removes the sealed personal section of a record's events and blanks their locators (which may
   * embed a phone number or a name); the rest of the metadata stays as proof. Returns how many
   * events still had a sealed section, per record. One unit for the whole batch.
   */
  purgeRecords(recordIds: string[]): Promise<Map<string, number>>;
  /** rectification: replaces the sealed section of events still holding one (a purged event stays purged) */
  rewriteSealed(updates: Array<{ eventId: string; sealed: SealedBox }>): Promise<number>;
  head(): Promise<number>;
}

export interface KeyVault {
  /**
   * stores wrapped data keys whose kid is new, in one unit; returns what the vault holds for each kid
   * afterwards (another writer's key if it got there first; null if that kid was destroyed)
   */
  putIfAbsent(entries: Array<{ kid: string; wrapped: Buffer }>): Promise<Map<string, Buffer | null>>;
  get(kids: string[]): Promise<Map<string, Buffer | null>>;
  /** crypto-shredding: the wrapped key is overwritten and can never be recovered */
  destroy(kid: string): Promise<boolean>;
}

/** Keyed blind indexes from linking keys to pseudonymous subject references. */
export interface SubjectIndex {
  /**
   * For each request in order, in one unit: finds the subject that owns any of the hashes, or creates
   * `newRef`; adds the missing hashes to it. Later requests see earlier ones' subjects.
   */
  resolve(requests: Array<{ controller: string; hashes: string[]; newRef: string }>, nowIso: string): Promise<Array<{ ref: string; created: boolean; conflicts: string[] }>>;
  /** the subject owning any of these hashes, without creating one (a request names a person by identifiers) */
  find(controller: string, hashes: string[]): Promise<string | null>;
  /**
   * erasure: drops every blind index of the subject, so the same person coming back later is a new
   * subject with a new key; returns the dropped (controller, hash) pairs (an erasure finds the
   * person's dead letters by them)
   */
  forget(subjectRef: string): Promise<Array<{ controller: string; hash: string }>>;
}

export interface AuditInput {
  actor: string;
  action: string;
  target?: { kind: 'record' | 'subject' | 'event' | 'dead-letter' | 'clock' | 'system' | 'task' | 'hold'; id: string };
  reason: string;
  policyVersion?: string;
  details?: Record<string, unknown>;
}
export interface AuditEntry extends AuditInput {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}
export interface AuditVerification {
  ok: boolean;
  entries: number;
  headHash: string | null;
  /** the first entry that does not verify, and why */
  firstBad?: { seq: number; problem: string };
}
export interface AuditLog {
  append(entries: AuditInput[], atIso: string): Promise<AuditEntry[]>;
  list(q: { afterSeq?: number; limit: number; targetId?: string }): Promise<AuditEntry[]>;
  verify(): Promise<AuditVerification>;
  head(): Promise<{ seq: number; hash: string } | null>;
}

export interface RegistryStats {
  byControllerCategoryStatus: Array<{ controller: string; category: string; status: RecordStatus; count: number }>;
  dueSoon: RecordState[];
  recentlyDisposed: RecordState[];
  failedTasks: number;
  pendingTasks: number;
}

export interface Registry {
  get(ids: string[]): Promise<Map<string, RecordState>>;
  /** saves records and their audit entries in one unit */
  save(records: RecordState[], audit: AuditInput[], atIso: string): Promise<void>;
  bySubject(subjectRef: string, limit: number): Promise<RecordState[]>;
  /** active records whose due time has passed, oldest due first */
  due(nowIso: string, limit: number): Promise<RecordState[]>;
  /** records left mid-disposal (after a crash) */
  disposing(limit: number): Promise<RecordState[]>;
  /** the earliest due time of an active record: with nextAttemptAt, the durable timers a runtime wakes on */
  nextDueAt(): Promise<string | null>;
  /** how many records not yet disposed a hold of this scope would cover now (an operator's dry run) */
  countCovered(controller: string, scope: import('@custodian/contracts').HoldScope): Promise<number>;
  /** records the sweep found due but held (status `held`), by id, after `afterId` */
  held(limit: number, afterId?: string): Promise<RecordState[]>;
  /**
   * the sweep's and a release's hold decisions, in one unit with their audit entries: a non-empty
   * `heldBy` makes an `active` or `held` record `held`; an empty one makes a `held` record `active`.
   * Only status and `heldBy` change, and a record in any other status (moved on by the projector or
   * a sweep meanwhile) is left alone, so this never overwrites another writer's state. Returns the
   * ids it changed.
   */
  setHeld(changes: Array<{ id: string; heldBy: string[] }>, audit: AuditInput[], atIso: string): Promise<string[]>;
  stats(nowIso: string, dueWithinIso: string): Promise<RegistryStats>;
}

/** `paused`: its record came under a hold after disposal began; a release makes it `pending` again */
export type TaskStatus = 'pending' | 'paused' | 'done' | 'failed';
export interface DeletionTask {
  /** deterministic: record + store + locator, so a retried plan never makes a second task */
  taskId: string;
  recordId: string;
  controller: string;
  store: string;
  locator: string;
  status: TaskStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  receipt: import('@custodian/workflows').Receipt | null;
}

export interface DeletionTasks {
  /** marks the records `disposing` and creates their tasks (existing tasks are kept as they are) */
  begin(records: RecordState[], tasks: DeletionTask[], audit: AuditInput[], atIso: string): Promise<void>;
  ready(nowIso: string, limit: number): Promise<DeletionTask[]>;
  ofRecords(recordIds: string[]): Promise<DeletionTask[]>;
  /** tasks by id (an acknowledgement names its task) */
  get(taskIds: string[]): Promise<DeletionTask[]>;
  update(tasks: DeletionTask[], audit: AuditInput[], atIso: string): Promise<void>;
  /** marks records disposed (with their receipts); their tasks are all done, and done tasks keep no locator */
  complete(records: RecordState[], audit: AuditInput[], atIso: string): Promise<void>;
  /** update and complete in one unit: tasks' outcomes and the records they finished, never one without the other */
  settle(tasks: DeletionTask[], completed: RecordState[], audit: AuditInput[], atIso: string): Promise<void>;
  failed(limit: number): Promise<DeletionTask[]>;
  /** the earliest time a pending task may be tried again */
  nextAttemptAt(): Promise<string | null>;
}

/**
 * The distributed runtime's archive of accepted events, kept by the lifecycle service as it
 * consumes the topics (which age out): what an access request exports and a rectification
 * corrects. Sealed as in the log; a purged event stays purged when the topics are replayed.
 */
export interface EventArchive {
  /** keeps events not kept yet (by event id); one already kept, or purged, is left as it is */
  keep(events: StoredEvent[]): Promise<void>;
  ofRecord(recordId: string): Promise<StoredEvent[]>;
  rewriteSealed(updates: Array<{ eventId: string; sealed: SealedBox }>): Promise<number>;
  /** removes the sealed sections of the records' events and blanks their locators; how many had one, per record */
  purge(recordIds: string[]): Promise<Map<string, number>>;
}

/** Legal holds: few (hundreds), read whole by the sweep, changed only with a revision check. */
export interface HoldStore {
  /**
   * saves a hold with its audit entries in one unit. Revision 1 is a new hold (its id must be new);
   * a higher one replaces the stored hold only if that is still at revision - 1, else RevisionConflictError
   */
  save(hold: Hold, audit: AuditInput[], atIso: string): Promise<void>;
  get(id: string): Promise<Hold | undefined>;
  /** newest placed first */
  list(q: { status?: Hold['status']; controller?: string; limit: number }): Promise<Hold[]>;
}

/**
 * What was erased, by pseudonymous id only, kept apart from the registry and log it guards: after a
 * restore of an older backup (or a replay from the start) it is applied again, so no erased record
 * or subject comes back. Append-only.
 */
export interface JournalEntry {
  requestId: string;
  controller: string;
  subjectRef: string;
  recordIds: string[];
  /** the subject's data key was destroyed (nothing of them was left) */
  keyDestroyed: boolean;
  at: string;
}
export interface ErasureJournal {
  append(entry: JournalEntry): Promise<void>;
  entries(): Promise<JournalEntry[]>;
}

/** another writer changed the hold or request since it was read: read it again and decide again */
export class RevisionConflictError extends Error {}

/** Subject-rights requests, changed only with a revision check (the same rule as holds). */
export interface RequestStore {
  /** revision 1 is a new request; a higher one replaces revision - 1 only, else RevisionConflictError; one unit with the audit */
  save(request: SubjectRequest, audit: AuditInput[], atIso: string): Promise<void>;
  get(id: string): Promise<SubjectRequest | undefined>;
  /** newest received first */
  list(q: { status?: SubjectRequest['status']; controller?: string; subjectRef?: string; limit: number }): Promise<SubjectRequest[]>;
}

export interface DeadLetter {
  id: string;
  receivedAt: string;
  eventId: string | null;
  type: string | null;
  controller: string | null;
  reasons: FieldError[];
  cardData: PanFinding[];
  /** the original (card data removed), sealed under the dead letter's own key */
  sealed: SealedBox;
  /** blind indexes of whatever identifiers the rejected event carried: an erasure of the person finds it by them */
  subjectHashes?: string[];
  status: 'open' | 'reprocessed';
  attempts: number;
  resolvedAt: string | null;
  resolvedEventId: string | null;
}
export interface DeadLetterStore {
  add(entries: DeadLetter[]): Promise<void>;
  /** oldest first (paging with afterId), or newest first */
  list(q: { status?: DeadLetter['status']; limit: number; afterId?: string; newestFirst?: boolean }): Promise<DeadLetter[]>;
  get(id: string): Promise<DeadLetter | undefined>;
  update(entry: DeadLetter): Promise<void>;
  count(status: DeadLetter['status']): Promise<number>;
  /** dead letters carrying any of these blind indexes of a council's subject */
  withSubjectHashes(controller: string, hashes: string[]): Promise<DeadLetter[]>;
}

/** A deletion at one store. Connectors are thin and idempotent: deleting what is gone is "absent". */
export interface DeletionRequest {
  taskId: string;
  recordId: string;
  controller: string;
  store: string;
  locator: string;
  attempt: number;
}
export type DeletionResult =
  | { outcome: 'deleted' | 'absent'; detail: string; reference?: string }
  | { outcome: 'retry'; detail: string; retryAfterMs?: number }
  | { outcome: 'failed'; detail: string };

/** A correction of the person's details at one store (Art 16; Art 19 tells recipients too). */
export interface RectifyRequest {
  taskId: string;
  recordId: string;
  controller: string;
  store: string;
  locator: string;
  corrections: import('@custodian/contracts').Correction[];
  attempt: number;
}
export type RectifyResult = { outcome: 'updated' | 'absent'; detail: string; reference?: string } | { outcome: 'retry'; detail: string; retryAfterMs?: number } | { outcome: 'failed'; detail: string };

export interface DeletionConnector {
  readonly kind: string;
  readonly retry: RetryPolicy;
  delete(requests: DeletionRequest[]): Promise<DeletionResult[]>;
  /** corrects the person's details at the store; absent where a store cannot be corrected (a recording) */
  rectify?(requests: RectifyRequest[]): Promise<RectifyResult[]>;
}

/**
 * An erasure command to a council system that deletes its own data (a CRM that subscribes to
 * Custodian's commands), and the acknowledgement it sends back. The command id is the deletion
 * task's id: pseudonymous, and stable across re-sends, so a system can deduplicate.
 */
export interface ErasureCommand {
  commandId: string;
  recordId: string;
  controller: string;
  store: string;
  /** the system's own reference for the data (it may be personal at some systems: it travels in the message body only) */
  locator: string;
  issuedAt: string;
  attempt: number;
  /** erase (the default) or correct the person's details (rectification; the corrections travel in the body) */
  action?: 'erase' | 'rectify';
  corrections?: import('@custodian/contracts').Correction[];
}
export interface ErasureAck {
  commandId: string;
  recordId: string;
  store: string;
  outcome: 'deleted' | 'absent' | 'failed';
  /** what the system says it did; never personal data */
  detail: string;
  reference?: string | undefined;
}

/** Where commands go: a Kafka topic (distributed) or an outbox the systems poll over HTTP (embedded). */
export interface ErasureCommandChannel {
  send(commands: ErasureCommand[]): Promise<void>;
}

/** The embedded channel: commands wait in an outbox until their system fetches and acknowledges them. */
export interface CommandOutbox extends ErasureCommandChannel {
  /** commands not yet acknowledged, oldest first; a re-sent command replaces its earlier send */
  pending(q: { controller: string; store: string; limit: number }): Promise<ErasureCommand[]>;
  acknowledged(commandIds: string[], atIso: string): Promise<void>;
}

export interface ConnectorDirectory {
  /** the connector bound to a council's store, if any */
  find(controller: string, store: string): DeletionConnector | undefined;
}

export interface ApiPrincipal {
  name: string;
  roles: string[];
}
export interface ApiTokens {
  verify(token: string): Promise<ApiPrincipal | null>;
  issue(name: string, roles: string[]): Promise<string>;
}

/**
 * The processes that wait (the retention sweep now; erasure, subject requests and hold reviews
 * later): Temporal in the distributed runtime. The API reads their state only through this.
 */
export interface Orchestrator {
  /** runs a retention sweep now (besides the schedule) and waits for its report */
  runSweep(): Promise<import('./platform').SweepReport>;
  /** the processes it runs or ran, newest first: what the DPO's dashboard lists */
  processes(q: { kind?: string; limit: number }): Promise<ProcessView[]>;
  /**
   * carries an erasure the request service began through to its certificate (Temporal: one
   * workflow per request, its id the pseudonymous request id); starting it twice is harmless
   */
  startErasure(r: { requestId: string; controller: string; subjectRef: string }): Promise<void>;
}

export type ProcessStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed-out' | 'continued';
/** one process (a Temporal workflow, or an embedded sweep): pseudonymous ids and counts only */
export interface ProcessView {
  id: string;
  kind: string;
  status: ProcessStatus;
  startedAt: string;
  closedAt: string | null;
  /** what it did, where the runtime knows (an embedded sweep's report) */
  summary?: Record<string, number>;
}

/**
 * Event ids already accepted, for logs that cannot refuse a repeat themselves (Kafka topics). Ingest
 * asks before publishing and records after: a crash between the two re-publishes at most, and the
 * brain ignores a repeat it has already applied to the record's lifecycle.
 */
export interface IdempotencyKeys {
  /** of `eventIds`, those already accepted */
  seen(eventIds: string[]): Promise<Set<string>>;
  remember(eventIds: string[], atIso: string): Promise<void>;
}
