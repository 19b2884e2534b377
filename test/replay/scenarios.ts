import type { SweepActivities, SweepInput, SweepRecord, SweepWorkflowReport } from '@custodian/workflows/src/temporal/contract';
import type { HistoryBuilder } from '../support/history';
import { WorkflowScript, type ScriptExpected } from './workflow-script';

/*
 * The retention sweep's golden scenarios, written as the server would record them. Each is also the
 * expectation of a replay: the activity calls (with their inputs) the workflow must make, the timers
 * it must start and what it must return. make-histories.ts writes them to histories/*.json.
 */

export const START = '2024-02-19T10:00:00.000Z';
const WORKFLOW = 'retentionSweep';

/** a due call recording as listDue returns it: pseudonymous ids, locators withheld */
export function sweepRecord(id: string, dueAt: string): SweepRecord {
  return {
    id,
    controller: 'newark-sherwood',
    category: 'call-recording',
    subjectRef: `subj_${id.slice(4)}`,
    status: 'active',
    lawfulBasis: '6(1)(e)',
    policyVersion: 'newark-sherwood@1.0.0',
    retention: { duration: 'P40D', trigger: 'occurred', action: 'delete' },
    lifecycle: { firstAt: '2024-01-10T10:00:00.000Z', lastAt: '2024-01-10T10:00:00.000Z', open: true, closedAt: null, escalatedAt: null, events: 1, reopenedAt: null },
    clockStartedAt: '2024-01-10T10:00:00.000Z',
    dueAt,
    dueReason: `Kept P40D (2024-01-10T10:00:00.000Z), so due at ${dueAt}.`,
    locations: [
      { store: '8x8', locator: '[withheld]' },
      { store: 'recordings-files', locator: '[withheld]' },
    ],
    team: 'customer-services',
    callCentreLocation: 'castle-house',
    registeredAt: '2024-01-10T10:00:05.000Z',
    updatedAt: '2024-01-10T10:00:05.000Z',
    lastOffset: 1,
    disposal: null,
  };
}


export type Expected = ScriptExpected<SweepActivities, SweepWorkflowReport>;

export interface Scenario {
  name: string;
  file: string;
  history: HistoryBuilder;
  expected: Expected;
}

/** writes a sweep run (see WorkflowScript), with the sweep's report */
export class SweepScript extends WorkflowScript<SweepActivities, SweepWorkflowReport> {
  constructor(input: SweepInput, start = START) {
    super(WORKFLOW, input, start);
  }

  report(over: Partial<SweepWorkflowReport>): SweepWorkflowReport {
    return { startedAt: this.startedAt, runs: 1, rounds: 0, started: 0, disposed: 0, tasksRun: 0, tasksFailed: 0, skippedCount: 0, skipped: [], stepRetries: 0, outcome: 'running', ...over };
  }
}

const A = 'rec_A7pQ2mZr';
const B = 'rec_B3xK9wLt';
const C = 'rec_C8nV4hYs';
const DUE_EARLIER = '2024-02-19T09:00:00.000Z';
const BATCH = 100;
const LEFTOVER = BATCH * 4;

/** three due records: begun, their nine deletion tasks run, completed; a second round finds nothing and the sweep ends */
export function disposesABatch(): Scenario {
  const s = new SweepScript({ batch: BATCH });
  s.act('completeLeftover', { now: s.now, limit: LEFTOVER }, { disposed: [] });
  const t1 = s.now;
  s.act('listDue', { now: t1, limit: BATCH }, [sweepRecord(A, DUE_EARLIER), sweepRecord(B, DUE_EARLIER), sweepRecord(C, t1)]);
  s.act('beginDisposal', { recordIds: [A, B, C], now: t1 }, { started: [A, B, C], skipped: [] });
  s.act('runReadyDeletions', { now: t1 }, { touched: [A, B, C], tasksRun: 9, tasksFailed: 0 });
  s.act('completeFinished', { recordIds: [A, B, C], now: t1 }, { disposed: [A, B, C] });
  const t2 = s.now;
  s.act('listDue', { now: t2, limit: BATCH }, []);
  s.act('runReadyDeletions', { now: t2 }, { touched: [], tasksRun: 0, tasksFailed: 0 });
  const expected = s.returns(s.report({ rounds: 2, started: 3, disposed: 3, tasksRun: 9, outcome: 'finished' }));
  return { name: 'sweep disposes a batch', file: 'sweep-disposes-a-batch.json', history: s.history, expected };
}

/**
 * The brain says not to dispose B (its due time is later than workflow time: it moved since the
 * registry listed it): only A is begun, B is reported, and a
 * second round that still lists B ends the sweep rather than spinning on it.
 */
export function heldRecordIsSkipped(): Scenario {
  const s = new SweepScript({ batch: BATCH });
  s.act('completeLeftover', { now: s.now, limit: LEFTOVER }, { disposed: [] });
  const t1 = s.now;
  const later = '2024-03-01T10:00:00.000Z';
  const b = sweepRecord(B, later);
  s.act('listDue', { now: t1, limit: BATCH }, [sweepRecord(A, DUE_EARLIER), b]);
  s.act('beginDisposal', { recordIds: [A], now: t1 }, { started: [A], skipped: [] });
  s.act('runReadyDeletions', { now: t1 }, { touched: [A], tasksRun: 3, tasksFailed: 0 });
  s.act('completeFinished', { recordIds: [A], now: t1 }, { disposed: [A] });
  const t2 = s.now;
  s.act('listDue', { now: t2, limit: BATCH }, [b]);
  s.act('runReadyDeletions', { now: t2 }, { touched: [], tasksRun: 0, tasksFailed: 0 });
  const skipped = { recordId: B, reason: b.dueReason };
  const expected = s.returns(s.report({ rounds: 2, started: 1, disposed: 1, tasksRun: 3, skippedCount: 2, skipped: [skipped, skipped], outcome: 'finished' }));
  return { name: 'a held (not disposable) record is skipped', file: 'held-record-is-skipped.json', history: s.history, expected };
}

/**
 * A legal hold covers B. The workflow's own decision (it holds no holds) says dispose both; the
 * beginDisposal activity decides again with the open holds in hand, begins A only and reports B with
 * the hold named. B is `held` from then on, so the next round's listDue does not list it again.
 */
export function recordUnderLegalHold(): Scenario {
  const s = new SweepScript({ batch: BATCH });
  s.act('completeLeftover', { now: s.now, limit: LEFTOVER }, { disposed: [] });
  const t1 = s.now;
  s.act('listDue', { now: t1, limit: BATCH }, [sweepRecord(A, DUE_EARLIER), sweepRecord(B, DUE_EARLIER)]);
  const held = { recordId: B, reason: `${sweepRecord(B, DUE_EARLIER).dueReason} Retention has ended, but a legal hold keeps it: Held by hold_q3Kx9vTn2LmA for complaint investigation (NS-CMP-0042), placed 2024-01-20T09:00:00.000Z by dpo@newark-sherwood on case NS-CMP-0042 and the recordings linked to it; next review 2024-02-19T09:00:00.000Z.` };
  s.act('beginDisposal', { recordIds: [A, B], now: t1 }, { started: [A], skipped: [held] });
  s.act('runReadyDeletions', { now: t1 }, { touched: [A], tasksRun: 3, tasksFailed: 0 });
  s.act('completeFinished', { recordIds: [A], now: t1 }, { disposed: [A] });
  const t2 = s.now;
  s.act('listDue', { now: t2, limit: BATCH }, []);
  s.act('runReadyDeletions', { now: t2 }, { touched: [], tasksRun: 0, tasksFailed: 0 });
  const expected = s.returns(s.report({ rounds: 2, started: 1, disposed: 1, tasksRun: 3, skippedCount: 1, skipped: [held], outcome: 'finished' }));
  return { name: 'a record under a legal hold is skipped by the activity and not listed again', file: 'record-under-legal-hold.json', history: s.history, expected };
}

/** listDue fails after the server's attempts; the workflow waits a minute on a timer and lists again */
export function activityFailureIsRetried(): Scenario {
  const s = new SweepScript({ batch: BATCH });
  s.act('completeLeftover', { now: s.now, limit: LEFTOVER }, { disposed: [] });
  const t1 = s.now;
  s.actFails('listDue', { now: t1, limit: BATCH }, 'registry unavailable');
  s.sleeps(60_000);
  // the round keeps the instant it started at: one round decides at one time
  s.act('listDue', { now: t1, limit: BATCH }, [sweepRecord(A, DUE_EARLIER)]);
  s.act('beginDisposal', { recordIds: [A], now: t1 }, { started: [A], skipped: [] });
  s.act('runReadyDeletions', { now: t1 }, { touched: [A], tasksRun: 3, tasksFailed: 0 });
  s.act('completeFinished', { recordIds: [A], now: t1 }, { disposed: [A] });
  const t2 = s.now;
  s.act('listDue', { now: t2, limit: BATCH }, []);
  s.act('runReadyDeletions', { now: t2 }, { touched: [], tasksRun: 0, tasksFailed: 0 });
  const expected = s.returns(s.report({ rounds: 2, started: 1, disposed: 1, tasksRun: 3, stepRetries: 1, outcome: 'finished' }));
  return { name: 'an activity failure is retried', file: 'activity-failure-is-retried.json', history: s.history, expected };
}

/** an operator cancels the sweep while listDue runs: the activity is asked to stop and the run ends cancelled */
export function cancellation(): Scenario {
  const s = new SweepScript({ batch: BATCH });
  s.act('completeLeftover', { now: s.now, limit: LEFTOVER }, { disposed: [] });
  const input = { now: s.now, limit: BATCH };
  s.activities.push({ type: 'listDue', input });
  const h = s.history;
  const scheduled = h.activityTaskScheduled({ activityId: s.nextActivityId(), activityType: 'listDue', args: [input] });
  h.activityTaskStarted(scheduled);
  h.advance(5_000);
  h.workflowExecutionCancelRequested();
  h.workflowTask();
  h.activityTaskCancelRequested(scheduled);
  h.workflowExecutionCanceled();
  return { name: 'cancellation', file: 'cancellation.json', history: h, expected: { activities: s.activities, timers: [], end: { cancelled: true } } };
}

/** with one round per run, a round that made progress ends the run with a continue-as-new carrying the totals */
export function continuesAsNew(): Scenario {
  const input = { batch: BATCH, roundsPerRun: 1 };
  const s = new SweepScript(input);
  s.act('completeLeftover', { now: s.now, limit: LEFTOVER }, { disposed: [] });
  const t1 = s.now;
  s.act('listDue', { now: t1, limit: BATCH }, [sweepRecord(A, DUE_EARLIER)]);
  s.act('beginDisposal', { recordIds: [A], now: t1 }, { started: [A], skipped: [] });
  s.act('runReadyDeletions', { now: t1 }, { touched: [A], tasksRun: 3, tasksFailed: 0 });
  s.act('completeFinished', { recordIds: [A], now: t1 }, { disposed: [A] });
  const expected = s.continuesAsNew([{ ...input, carried: s.report({ rounds: 1, started: 1, disposed: 1, tasksRun: 3 }) }]);
  return { name: 'a sweep continues as new after its rounds', file: 'continues-as-new.json', history: s.history, expected };
}

export const SCENARIOS = [disposesABatch, heldRecordIsSkipped, recordUnderLegalHold, activityFailureIsRetried, cancellation, continuesAsNew];
