import { Context } from '@temporalio/activity';
import { DisposalService, type DisposalDeps } from '@custodian/core';
import {
  WITHHELD_LOCATOR,
  type BeginDisposalInput,
  type BeginDisposalResult,
  type CompleteInput,
  type CompleteLeftoverInput,
  type CompleteResult,
  type ListDueInput,
  type RunReadyInput,
  type RunReadyResult,
  type SkippedRecord,
  type SweepActivities,
  type SweepRecord,
} from '@custodian/workflows/src/temporal/contract';

export interface SweepActivityOptions {
  /** deletion tasks run per call is four times this, as in the embedded sweep */
  batch?: number;
  /** tells Temporal the activity is alive (and lets it learn of a cancellation); the SDK's by default */
  heartbeat?: () => void;
  heartbeatEveryMs?: number;
}

/** keeps heartbeating while a phase runs: a phase is one durable unit and is not abandoned half-way */
async function withHeartbeat<T>(beat: () => void, everyMs: number, work: () => Promise<T>): Promise<T> {
  beat();
  const timer = setInterval(beat, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * The retention sweep's activities: each runs one phase of the embedded runtime's DisposalService,
 * so both runtimes dispose through the same code. Each is idempotent, because Temporal may run an
 * activity again after its result was lost.
 */
export function createSweepActivities(deps: DisposalDeps, opts: SweepActivityOptions = {}): SweepActivities {
  const batch = opts.batch ?? 500;
  const disposal = new DisposalService(deps, { batch, maxRounds: 1, actor: 'retention-sweep' });
  const beat = opts.heartbeat ?? (() => Context.current().heartbeat());
  const every = opts.heartbeatEveryMs ?? 10_000;
  const phase = <T>(work: () => Promise<T>) => withHeartbeat(beat, every, work);

  return {
    completeLeftover: ({ now, limit }: CompleteLeftoverInput): Promise<CompleteResult> =>
      phase(async () => ({ disposed: await disposal.completeFinished(await deps.registry.disposing(limit), now) })),

    // locators can embed personal data at some vendors: the workflow needs none, so none enters history
    listDue: ({ now, limit }: ListDueInput): Promise<SweepRecord[]> =>
      phase(async () => (await deps.registry.due(now, limit)).map((r) => ({ ...r, locations: r.locations.map((l) => ({ store: l.store, locator: WITHHELD_LOCATOR })) }))),

    // the workflow chose from a listing that may be stale: the brain decides again on the registry's state now
    beginDisposal: ({ recordIds, now }: BeginDisposalInput): Promise<BeginDisposalResult> =>
      phase(async () => {
        const found = await deps.registry.get(recordIds);
        const skipped: SkippedRecord[] = [];
        const active = [];
        for (const id of recordIds) {
          const r = found.get(id);
          if (!r) skipped.push({ recordId: id, reason: 'not in the registry' });
          // a retry after a lost result finds its own work done: never re-plan a record already disposing
          else if (r.status !== 'active') skipped.push({ recordId: id, reason: `already ${r.status}` });
          else active.push(r);
        }
        const b = active.length ? await disposal.begin(active, now) : { started: [], skipped: [] };
        return { started: b.started, skipped: [...skipped, ...b.skipped] };
      }),

    runReadyDeletions: ({ now }: RunReadyInput): Promise<RunReadyResult> => phase(() => disposal.runReady(now)),

    completeFinished: ({ recordIds, now }: CompleteInput): Promise<CompleteResult> =>
      phase(async () => ({ disposed: await disposal.completeFinished([...(await deps.registry.get(recordIds)).values()], now) })),
  };
}
