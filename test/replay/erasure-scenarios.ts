import type { ErasureActivities, ErasureInput, ErasureWorkflowReport } from '@custodian/workflows/src/temporal/erasure-contract';
import type { HistoryBuilder } from '../support/history';
import { WorkflowScript, type ScriptExpected } from './workflow-script';

/*
 * The subject-erasure workflow's golden scenarios, written as the server would record them, each
 * with what a replay must see: activity calls with their inputs, timers, and how the run ends.
 */

export const ERASURE_START = '2026-03-10T10:00:00.000Z';
export const REQ = 'req_q3Kx9vTn2LmA';
const A = 'rec_enquiryA0000000001';
const B = 'rec_enquiryB0000000002';

export type ErasureExpected = ScriptExpected<ErasureActivities, ErasureWorkflowReport>;
export interface ErasureScenario {
  name: string;
  file: string;
  history: HistoryBuilder;
  expected: ErasureExpected;
}

/** writes an erasure workflow run (see WorkflowScript), with its report */
class ErasureScript extends WorkflowScript<ErasureActivities, ErasureWorkflowReport> {
  constructor(input: ErasureInput) {
    super('subjectErasure', input, ERASURE_START);
  }
  report(over: Partial<ErasureWorkflowReport>): ErasureWorkflowReport {
    return { requestId: REQ, runs: 1, rounds: 0, tasksRun: 0, tasksFailed: 0, recordsDisposed: 0, outcome: 'running', ...over };
  }
}

/** every store answers at once: one round deletes, completes both records and issues the certificate */
export function erasureInOneRound(): ErasureScenario {
  const s = new ErasureScript({ requestId: REQ });
  const t = s.now;
  s.act('runErasureDeletions', { requestId: REQ, now: t }, { touched: [A, B], tasksRun: 4, tasksFailed: 0 });
  s.act('completeErasureRecords', { recordIds: [A, B], now: t }, { disposed: [A, B] });
  s.act('finishErasure', { requestId: REQ, now: t }, { status: 'completed', waiting: 0, escalated: 0, nextAttemptAt: null });
  const expected = s.returns(s.report({ rounds: 1, tasksRun: 4, recordsDisposed: 2, outcome: 'completed' }));
  return { name: 'an erasure completes in one round', file: 'erasure-in-one-round.json', history: s.history, expected };
}

/**
 * The CRM is down: the first round's deletions are retried later; the workflow sleeps on a durable
 * timer until the next retry time, and the second round completes the erasure.
 */
export function erasureWaitsForAStoreThatIsDown(): ErasureScenario {
  const s = new ErasureScript({ requestId: REQ });
  const t1 = s.now;
  s.act('runErasureDeletions', { requestId: REQ, now: t1 }, { touched: [A], tasksRun: 4, tasksFailed: 0 });
  s.act('completeErasureRecords', { recordIds: [A], now: t1 }, { disposed: [] });
  const retryAt = new Date(s.afterActivity + 90_000).toISOString();
  s.act('finishErasure', { requestId: REQ, now: t1 }, { status: 'waiting', waiting: 2, escalated: 0, nextAttemptAt: retryAt });
  s.sleeps(90_000);
  const t2 = s.now;
  s.act('runErasureDeletions', { requestId: REQ, now: t2 }, { touched: [A, B], tasksRun: 2, tasksFailed: 0 });
  s.act('completeErasureRecords', { recordIds: [A, B], now: t2 }, { disposed: [A, B] });
  s.act('finishErasure', { requestId: REQ, now: t2 }, { status: 'completed', waiting: 0, escalated: 0, nextAttemptAt: null });
  const expected = s.returns(s.report({ rounds: 2, tasksRun: 6, recordsDisposed: 2, outcome: 'completed' }));
  return { name: 'an erasure waits on a timer for a store that is down, then completes', file: 'erasure-waits-for-store.json', history: s.history, expected };
}

/**
 * A deletion was escalated (no acknowledgement): nothing is pending, so the workflow checks again
 * hourly until an operator's retry lets it run; with one round per run it continues as new.
 */
export function erasureWithAnEscalatedDeletion(): ErasureScenario {
  const input = { requestId: REQ, roundsPerRun: 1 };
  const s = new ErasureScript(input);
  const t = s.now;
  s.act('runErasureDeletions', { requestId: REQ, now: t }, { touched: [], tasksRun: 1, tasksFailed: 1 });
  s.act('finishErasure', { requestId: REQ, now: t }, { status: 'waiting', waiting: 1, escalated: 1, nextAttemptAt: null });
  s.sleeps(3_600_000);
  const expected = s.continuesAsNew([{ ...input, carried: s.report({ rounds: 1, tasksRun: 1, tasksFailed: 1 }) }]);
  return { name: 'an escalated deletion is checked hourly and the run continues as new', file: 'erasure-escalated.json', history: s.history, expected };
}

export const ERASURE_SCENARIOS = [erasureInOneRound, erasureWaitsForAStoreThatIsDown, erasureWithAnEscalatedDeletion];
