/**
 * What the interfaces (HTTP API, CLI, status page) see of a running platform, whichever runtime
 * it is. The API reads state only through this, never through an adapter.
 */
import type { FieldError, PanFinding, PlaceHoldRequest, ReviewHoldRequest } from '@custodian/contracts';
import type { Explanation, Hold, RecordState } from '@custodian/workflows';
import type { HoldView, LiftOutcome } from './holds';
import type { RetryOutcome } from './operations';
import type { ReceiveInput, RequestView } from './subject-requests';
import type { AccessPackage } from './access';
import type { AckResult } from './erasure-commands';
import type { ErasureAck, ErasureCommand } from './ports';

export type AccessExport = AccessPackage & { notPortable: Array<{ recordId: string; category: string; reason: string }> };
import type { PauseReason, SubjectRequest } from '@custodian/workflows';
import type { ApiTokens, AuditEntry, AuditVerification, Clock, DeadLetter, DeletionTask, ProcessView, RegistryStats } from './ports';

export type IngestResult =
  | { index: number; eventId: string; status: 'accepted'; subjectRef: string; recordId: string; cardData: PanFinding[] }
  | { index: number; eventId: string | null; status: 'duplicate' }
  | { index: number; eventId: string | null; status: 'rejected'; deadLetterId: string; reasons: FieldError[]; cardData: PanFinding[] };

export interface RecordView {
  record: RecordState;
  explanation: Explanation;
  tasks: DeletionTask[];
}

/** A dead letter as the API shows it: reasons and the original, opened for an operator to correct. */
export interface DeadLetterView extends Omit<DeadLetter, 'sealed' | 'subjectHashes'> {
  original: unknown;
}

export interface SweepReport {
  at: string;
  started: number;
  disposed: number;
  tasksRun: number;
  tasksFailed: number;
}

export interface ReplayReport {
  /** the first offset re-read */
  fromOffset: number;
  /** events re-read up to the head of the log */
  replayed: number;
  head: number;
}

export interface Overview {
  now: string;
  simulatedClock: boolean;
  stats: RegistryStats;
  deadLetters: { open: number; latest: DeadLetterView[] };
  audit: { entries: number; headHash: string | null };
  /** open legal holds, and those whose review is overdue or due within a week (most urgent first) */
  holds: { open: number; reviewsOverdue: number; attention: HoldView[] };
  /** requests not yet completed, and those overdue or due within a week, paused ones last (most urgent first) */
  requests: { open: number; overdue: number; attention: RequestView[] };
  councils: Array<{ id: string; council: string; version: string }>;
}

export class ClockNotSimulatedError extends Error {
  constructor() {
    super('the clock is not simulated: start the platform with --simulated-clock (CUSTODIAN_SIMULATED_CLOCK=1) to advance it');
  }
}
export class NotFoundError extends Error {}
/** A request this runtime cannot carry out as asked; the message says what it can do instead. */
export class UnsupportedRequestError extends Error {}
/** In the distributed runtime each service wires only its own ports: this names the service that serves the call. */
export class NotServedHereError extends Error {
  constructor(
    readonly operation: string,
    readonly servedBy: string,
  ) {
    super(`${operation} is served by the ${servedBy} service, not this one`);
  }
}

export interface Platform {
  readonly clock: Clock;
  readonly tokens: ApiTokens;
  /** validates, deduplicates, seals and appends; returns one result per input, in order */
  ingest(raw: unknown[], actor: string): Promise<IngestResult[]>;
  /** applies appended events to the registry (runs continuously; callable for tests) */
  project(): Promise<number>;
  record(id: string): Promise<RecordView | undefined>;
  subjectRecords(ref: string): Promise<RecordState[]>;
  deadLetters(q: { status?: DeadLetter['status']; limit: number; afterId?: string }): Promise<DeadLetterView[]>;
  deadLetter(id: string): Promise<DeadLetterView | undefined>;
  /** re-ingests a dead letter, with the operator's corrected event if given */
  reprocess(id: string, corrected: unknown | undefined, actor: string): Promise<IngestResult>;
  audit(q: { afterSeq?: number; limit: number; targetId?: string }): Promise<AuditEntry[]>;
  verifyAudit(): Promise<AuditVerification>;
  /** throws ClockNotSimulatedError unless the simulated clock is on; runs a sweep at the new time */
  advanceClock(by: string, actor: string): Promise<{ now: string; sweep: SweepReport }>;
  sweep(): Promise<SweepReport>;
  /** the processes the platform runs or ran (sweeps now; erasures and subject requests later), newest first */
  processes(q: { kind?: string; limit: number }): Promise<ProcessView[]>;
  /**
   * operators' replay: re-reads the log into the registry from an offset or a time. Idempotent —
   * decisions ignore offsets a record has already seen, and disposed records stay disposed.
   */
  replay(from: { offset: number } | { time: string }, actor: string): Promise<ReplayReport>;
  overview(): Promise<Overview>;
  /** places a legal hold (validated request); it changes no record until a sweep finds one due */
  placeHold(req: PlaceHoldRequest, actor: string): Promise<HoldView>;
  /** how many records a hold would cover now, placing nothing */
  dryRunHold(req: PlaceHoldRequest): Promise<{ records: number }>;
  /** operations: escalated deletions matching the filter start again (a dry run counts them only) */
  retryFailed(q: { controller?: string; store?: string; recordId?: string; dryRun: boolean }, actor: string): Promise<RetryOutcome>;
  /** newest first */
  holds(q: { status?: Hold['status']; controller?: string; limit: number }): Promise<HoldView[]>;
  hold(id: string): Promise<HoldView | undefined>;
  /** keeps (next review moves on) or releases; a release frees what no other hold covers */
  reviewHold(id: string, req: ReviewHoldRequest, actor: string): Promise<{ hold: HoldView; lifted: LiftOutcome | null }>;
  /** logs a subject-rights request with its statutory clock; an erasure with identity confirmed is decided and begun at once */
  receiveRequest(input: ReceiveInput, actor: string): Promise<RequestView>;
  /** newest first */
  requests(q: { status?: SubjectRequest['status']; controller?: string; subjectRef?: string; limit: number }): Promise<RequestView[]>;
  request(id: string): Promise<RequestView | undefined>;
  confirmIdentity(id: string, actor: string): Promise<RequestView>;
  /** ends a restriction; the person is told before it takes effect */
  liftRestriction(id: string, toldBy: string, actor: string): Promise<RequestView>;
  /** an objection upheld erases what was processed on public task or legitimate interests; not upheld, processing continues */
  decideObjection(id: string, decision: { upheld: boolean; reason: string }, actor: string): Promise<RequestView>;
  /** access or portability: everything held, decrypted, other people's data withheld */
  accessPackage(id: string): Promise<AccessExport>;
  /** erasure commands a subscribed system has yet to acknowledge (the embedded outbox) */
  erasureCommands(q: { controller: string; store: string; limit: number }): Promise<ErasureCommand[]>;
  /** acknowledgements from subscribed systems, one result per acknowledgement */
  acknowledge(acks: ErasureAck[], actor: string): Promise<AckResult[]>;
  /** records that the council answered the request (not erasure, which completes itself) */
  completeRequest(id: string, outcome: string, actor: string): Promise<RequestView>;
  pauseRequest(id: string, reason: PauseReason, actor: string): Promise<RequestView>;
  resumeRequest(id: string, actor: string): Promise<RequestView>;
  extendRequest(id: string, months: 1 | 2, reason: string, actor: string): Promise<RequestView>;
}
