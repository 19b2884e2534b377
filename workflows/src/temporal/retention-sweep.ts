import { ApplicationFailure, continueAsNew, defineQuery, isCancellation, log, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
// the same decisions the embedded runtime makes: imported from the brain, never restated here
import { decideDisposal, nextAttemptDelay, type RetryPolicy } from '../disposal';
import { SKIPPED_SHOWN, SWEEP_DEFAULTS, type SkippedRecord, type SweepActivities, type SweepInput, type SweepWorkflowReport } from './contract';

/**
 * Activity attempts the server makes on its own, for blips (a registry failover, a slow connector).
 * A heartbeat timeout lets a cancelled sweep reach an activity that is still running.
 */
const acts = proxyActivities<SweepActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * When a step still fails after the server's attempts, the sweep waits on a durable timer and tries
 * the step again, backing off as deletion tasks do; then it gives up and the next scheduled sweep
 * resumes (every phase is idempotent).
 */
export const STEP_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 60_000, maxDelayMs: 15 * 60_000 };

/** far below the 51,200-event limit; the server's own suggestion usually comes first */
const HISTORY_EVENTS_PER_RUN = 10_000;

export const sweepProgressQuery = defineQuery<SweepWorkflowReport>('sweepProgress');

const nowIso = () => new Date().toISOString();

function freshReport(): SweepWorkflowReport {
  return { startedAt: nowIso(), runs: 0, rounds: 0, started: 0, disposed: 0, tasksRun: 0, tasksFailed: 0, skippedCount: 0, skipped: [], stepRetries: 0, outcome: 'running' };
}

/**
 * The retention sweep a Temporal Schedule starts. Each round: list due records, let the brain decide
 * which to dispose at workflow time, begin those, run the deletion tasks that are ready, complete the
 * records whose tasks are all done. It stops when a round changes nothing, and continues as new after
 * a bounded number of rounds. Records are never one workflow each: they wait in the registry.
 */
export async function retentionSweep(input: SweepInput = {}): Promise<SweepWorkflowReport> {
  const batch = input.batch ?? SWEEP_DEFAULTS.batch;
  const roundsPerRun = input.roundsPerRun ?? SWEEP_DEFAULTS.roundsPerRun;
  const report: SweepWorkflowReport = input.carried ? { ...input.carried, skipped: [...input.carried.skipped] } : freshReport();
  report.runs++;
  setHandler(sweepProgressQuery, () => report);

  const skip = (s: SkippedRecord[]) => {
    report.skippedCount += s.length;
    for (const x of s) if (report.skipped.length < SKIPPED_SHOWN) report.skipped.push(x);
  };

  /** runs one activity step; after its own retries, waits and tries again (never on cancellation) */
  async function step<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (isCancellation(err)) throw err;
        // jitter 1 (none): one sweep per namespace has no herd to spread, and the wait stays predictable
        const delay = nextAttemptDelay(attempt, STEP_RETRY, undefined, 1);
        if (delay === null) {
          throw ApplicationFailure.create({ message: `retention sweep step failed after ${attempt} attempt(s); the next scheduled sweep resumes`, nonRetryable: true, cause: err as Error, details: [report] });
        }
        report.stepRetries++;
        await sleep(delay);
      }
    }
  }

  try {
    report.disposed += (await step(() => acts.completeLeftover({ now: nowIso(), limit: batch * 4 }))).disposed.length;
    for (let round = 0; round < roundsPerRun; round++) {
      const now = nowIso();
      report.rounds++;
      const due = await step(() => acts.listDue({ now, limit: batch }));
      const chosen: string[] = [];
      const held: SkippedRecord[] = [];
      for (const r of due) {
        const d = decideDisposal(r, now);
        if (d.action === 'dispose') chosen.push(r.id);
        else held.push({ recordId: r.id, reason: d.reason });
      }
      skip(held);
      let begun = 0;
      if (chosen.length) {
        const b = await step(() => acts.beginDisposal({ recordIds: chosen, now }));
        begun = b.started.length;
        report.started += begun;
        skip(b.skipped);
      }
      const run = await step(() => acts.runReadyDeletions({ now }));
      report.tasksRun += run.tasksRun;
      report.tasksFailed += run.tasksFailed;
      // only records whose tasks finished this round can have become complete
      const disposed = run.touched.length ? (await step(() => acts.completeFinished({ recordIds: run.touched, now }))).disposed.length : 0;
      report.disposed += disposed;
      // skipped records stay listed (e.g. held ones): progress, not an empty list, ends the sweep
      if (!begun && !run.touched.length && !disposed) {
        report.outcome = 'finished';
        return report;
      }
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_PER_RUN) break;
    }
  } catch (err) {
    if (isCancellation(err)) {
      // the in-flight activity has been asked to stop; what was done is durable and reported here
      report.outcome = 'cancelled';
      log.info('retention sweep cancelled', { rounds: report.rounds, started: report.started, disposed: report.disposed, tasksRun: report.tasksRun });
    }
    throw err;
  }
  return continueAsNew<typeof retentionSweep>({ batch, roundsPerRun, carried: report });
}
