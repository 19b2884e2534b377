import type { Clock, DeletionTasks } from './ports';

/** What retrying escalated deletions matched (a dry run stops there) and how many it made pending again. */
export interface RetryOutcome {
  matched: number;
  retried: number;
  records: number;
}

/**
 * Operations' retry of escalated deletions (a store back after an outage, a binding fixed): the
 * failed tasks matching the filter start again from attempt 0 at once. A dry run counts them only.
 */
export async function retryFailedDeletions(
  d: { clock: Clock; tasks: DeletionTasks },
  q: { controller?: string; store?: string; recordId?: string; dryRun: boolean; limit?: number },
  actor: string,
): Promise<RetryOutcome> {
  const failed = (await d.tasks.failed(q.limit ?? 10_000)).filter((t) => (!q.controller || t.controller === q.controller) && (!q.store || t.store === q.store) && (!q.recordId || t.recordId === q.recordId));
  const out = { matched: failed.length, retried: 0, records: new Set(failed.map((t) => t.recordId)).size };
  if (q.dryRun || !failed.length) return out;
  const now = d.clock.now().toISOString();
  await d.tasks.update(
    failed.map((t) => ({ ...t, status: 'pending' as const, attempts: 0, nextAttemptAt: now })),
    [{ actor, action: 'deletion.retried', target: { kind: 'system', id: 'deletion-tasks' }, reason: 'escalated deletions retried by operations', details: { tasks: failed.length, records: out.records, ...(q.controller ? { controller: q.controller } : {}), ...(q.store ? { store: q.store } : {}), ...(q.recordId ? { recordId: q.recordId } : {}) } }],
    now,
  );
  return { ...out, retried: failed.length };
}
