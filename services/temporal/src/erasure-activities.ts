import { Context } from '@temporalio/activity';
import { DisposalService, RequestService, type DisposalDeps, type RequestDeps } from '@custodian/core';
import type { ErasureActivities, ErasureCompleteInput, ErasureRoundInput } from '@custodian/workflows/src/temporal/erasure-contract';

/**
 * The erasure workflow's activities: the request service and the disposal phases both runtimes
 * share. Each is idempotent (a task done stays done; a request completed stays completed).
 */
export function createErasureActivities(deps: RequestDeps & DisposalDeps, opts: { heartbeat?: () => void } = {}): ErasureActivities {
  const disposal = new DisposalService(deps, { batch: 500, maxRounds: 1, actor: 'erasure' });
  const requests = new RequestService(deps);
  const beat = opts.heartbeat ?? (() => Context.current().heartbeat());
  return {
    runErasureDeletions: async ({ requestId, now }: ErasureRoundInput) => {
      beat();
      const r = await deps.requests.get(requestId);
      if (!r || r.status !== 'in-progress') return { touched: [], tasksRun: 0, tasksFailed: 0 };
      const due = (await deps.tasks.ofRecords(requests.erasing(r))).filter((t) => t.status === 'pending' && t.nextAttemptAt <= now);
      return disposal.runTasks(due, now);
    },
    completeErasureRecords: async ({ recordIds, now }: ErasureCompleteInput) => {
      beat();
      return { disposed: await disposal.completeFinished([...(await deps.registry.get(recordIds)).values()], now) };
    },
    finishErasure: async ({ requestId }: ErasureRoundInput) => {
      beat();
      return requests.progressOne(requestId);
    },
  };
}
