import { continueAsNew, defineQuery, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import { ERASURE_DEFAULTS, ERASURE_WAIT, type ErasureActivities, type ErasureInput, type ErasureWorkflowReport } from './erasure-contract';

const acts = proxyActivities<ErasureActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  // a store outage is not an activity failure (the task records it and waits): these retries are for the registry itself
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export const erasureProgressQuery = defineQuery<ErasureWorkflowReport>('erasureProgress');

/** how long to wait before the next round: until the next retry of one of the request's deletions, bounded */
export function waitBefore(nextAttemptAt: string | null, nowMs: number): number {
  if (nextAttemptAt === null) return ERASURE_WAIT.maxMs;
  return Math.min(ERASURE_WAIT.maxMs, Math.max(ERASURE_WAIT.minMs, Date.parse(nextAttemptAt) - nowMs));
}

/**
 * One subject's erasure, after the request service decided it and began its deletions: each round
 * runs the request's deletions whose time has come, completes the records all of whose stores
 * confirmed, and asks whether the request is finished (certificate, key destroyed). In between it
 * waits on a durable timer until the next retry, so a store that is down for days costs a few
 * timers, and an escalated deletion waits for an operator's retry, checked hourly.
 */
export async function subjectErasure(input: ErasureInput): Promise<ErasureWorkflowReport> {
  const roundsPerRun = input.roundsPerRun ?? ERASURE_DEFAULTS.roundsPerRun;
  const report: ErasureWorkflowReport = input.carried ? { ...input.carried } : { requestId: input.requestId, runs: 0, rounds: 0, tasksRun: 0, tasksFailed: 0, recordsDisposed: 0, outcome: 'running' };
  report.runs++;
  setHandler(erasureProgressQuery, () => report);
  for (let round = 0; round < roundsPerRun; round++) {
    report.rounds++;
    const now = new Date().toISOString();
    const run = await acts.runErasureDeletions({ requestId: input.requestId, now });
    report.tasksRun += run.tasksRun;
    report.tasksFailed += run.tasksFailed;
    if (run.touched.length) report.recordsDisposed += (await acts.completeErasureRecords({ recordIds: run.touched, now })).disposed.length;
    const f = await acts.finishErasure({ requestId: input.requestId, now });
    if (f.status === 'completed') {
      report.outcome = 'completed';
      return report;
    }
    await sleep(waitBefore(f.nextAttemptAt, Date.now()));
  }
  return continueAsNew<typeof subjectErasure>({ requestId: input.requestId, roundsPerRun, carried: report });
}
