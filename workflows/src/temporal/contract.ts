import type { RecordState } from '../record';

/*
 * What the retention sweep's workflow and its activities agree on. Plain types and constants only, so
 * the worker, the schedule and the client import it without loading the workflow sandbox's API.
 */

export const SWEEP_WORKFLOW_TYPE = 'retentionSweep';
/** one Schedule per namespace: the id names the process, never a record or a person */
export const SWEEP_SCHEDULE_ID = 'custodian-retention-sweep';
export const SWEEP_KIND = 'retention-sweep';

/**
 * Search attributes the DPO dashboard lists and filters workflows by. Temporal stores and indexes them
 * unencrypted (as it does workflow ids), so each holds pseudonymous or organisational values only —
 * never a name, address, phone number, e-mail or a vendor locator. They are registered on the
 * namespace by infra before the worker starts. Shaped as the SDK's SearchAttributeKey.
 */
export const SearchAttributes = {
  /** which process a workflow runs: "retention-sweep", later "erasure", "subject-request", ... */
  CustodianKind: { name: 'CustodianKind', type: 'KEYWORD' },
  /** the council (data controller) id, e.g. "newark-sherwood": an organisation, not a person */
  CustodianController: { name: 'CustodianController', type: 'KEYWORD' },
  /** the pseudonymous subject reference of a per-subject process; the sweep spans subjects and has none */
  CustodianSubjectRef: { name: 'CustodianSubjectRef', type: 'KEYWORD' },
} as const;

/** A record as the sweep sees it: registry state with every locator withheld, so no personal data reaches history. */
export type SweepRecord = RecordState;
export const WITHHELD_LOCATOR = '[withheld]';

export interface SkippedRecord {
  recordId: string;
  /** the brain's reason, e.g. "not due until …"; non-personal by construction */
  reason: string;
}

export interface ListDueInput {
  now: string;
  limit: number;
}
export interface BeginDisposalInput {
  /** the records the workflow's decision chose; the activity re-decides on fresh registry state */
  recordIds: string[];
  now: string;
}
export interface BeginDisposalResult {
  started: string[];
  /** records the brain now says not to dispose (due time moved, already disposing/disposed, gone) */
  skipped: SkippedRecord[];
}
export interface RunReadyInput {
  now: string;
}
export interface RunReadyResult {
  /** records with a deletion task that finished this run: the only candidates for completion */
  touched: string[];
  tasksRun: number;
  tasksFailed: number;
}
export interface CompleteInput {
  recordIds: string[];
  now: string;
}
export interface CompleteLeftoverInput {
  now: string;
  limit: number;
}
export interface CompleteResult {
  disposed: string[];
}

/**
 * The sweep's activities, one per phase of the embedded runtime's DisposalService. Every one is
 * idempotent: a retry after a lost response changes nothing that the first attempt did.
 */
export interface SweepActivities {
  /** completes records an earlier, interrupted sweep left `disposing` with every task done */
  completeLeftover(input: CompleteLeftoverInput): Promise<CompleteResult>;
  listDue(input: ListDueInput): Promise<SweepRecord[]>;
  beginDisposal(input: BeginDisposalInput): Promise<BeginDisposalResult>;
  runReadyDeletions(input: RunReadyInput): Promise<RunReadyResult>;
  completeFinished(input: CompleteInput): Promise<CompleteResult>;
}

export interface SweepInput {
  /** records listed per round (each listed record is a payload in history: keep well under 2 MB) */
  batch?: number;
  /** rounds before the run continues as new, so history stays far below Temporal's limits */
  roundsPerRun?: number;
  /** totals carried over a continue-as-new */
  carried?: SweepWorkflowReport;
}

export interface SweepWorkflowReport {
  /** workflow time the sweep (its first run) started */
  startedAt: string;
  runs: number;
  rounds: number;
  started: number;
  disposed: number;
  tasksRun: number;
  tasksFailed: number;
  /** how many times a record was left alone, and the first few of them with the brain's reason */
  skippedCount: number;
  skipped: SkippedRecord[];
  /** activity steps that failed after their own retries and were tried again by the workflow */
  stepRetries: number;
  outcome: 'running' | 'finished' | 'cancelled';
}

export const SWEEP_DEFAULTS = { batch: 500, roundsPerRun: 25 } as const;
/** the report keeps this many skipped records; the count keeps the rest */
export const SKIPPED_SHOWN = 50;
