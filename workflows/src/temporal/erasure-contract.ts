/*
 * What the subject-erasure workflow and its activities agree on. Plain types and constants only.
 * The request id is random (req_…): the workflow id and search attributes stay pseudonymous.
 */

export const ERASURE_WORKFLOW_TYPE = 'subjectErasure';
export const ERASURE_KIND = 'erasure';
export const erasureWorkflowId = (requestId: string) => `custodian-erasure-${requestId}`;

export interface ErasureRoundInput {
  requestId: string;
  now: string;
}
export interface ErasureDeletionsResult {
  /** the request's records with a task that finished this round */
  touched: string[];
  tasksRun: number;
  tasksFailed: number;
}
export interface ErasureCompleteInput {
  recordIds: string[];
  now: string;
}
export interface ErasureFinishResult {
  status: 'completed' | 'waiting';
  /** records still being deleted */
  waiting: number;
  /** deletions escalated: an operator's retry makes them run again */
  escalated: number;
  /** the earliest time a deletion of the request will be tried again; null when none is pending */
  nextAttemptAt: string | null;
}

export interface ErasureActivities {
  /** runs the request's deletion tasks whose time has come, through the same connectors as disposal */
  runErasureDeletions(input: ErasureRoundInput): Promise<ErasureDeletionsResult>;
  /** the request's records whose tasks are all done become disposed, with their receipts */
  completeErasureRecords(input: ErasureCompleteInput): Promise<{ disposed: string[] }>;
  /** when every granted record is disposed: the certificate, and the key destroyed if nothing of the subject is left */
  finishErasure(input: ErasureRoundInput): Promise<ErasureFinishResult>;
}

export interface ErasureInput {
  requestId: string;
  /** rounds before the run continues as new, so history stays small while a store is down for days */
  roundsPerRun?: number;
  carried?: ErasureWorkflowReport;
}

export interface ErasureWorkflowReport {
  requestId: string;
  runs: number;
  rounds: number;
  tasksRun: number;
  tasksFailed: number;
  recordsDisposed: number;
  outcome: 'running' | 'completed';
}

export const ERASURE_DEFAULTS = { roundsPerRun: 50 } as const;
/** how long the workflow waits between rounds: the next retry time, within these bounds */
export const ERASURE_WAIT = { minMs: 1_000, maxMs: 60 * 60_000 } as const;
