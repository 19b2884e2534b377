import { TemporalOrchestrator, type SweepStarter } from './orchestrator';

test('a sweep on demand starts the sweep workflow with a time-only id and the kind attribute, and reports its counts', async () => {
  const calls: Array<Parameters<SweepStarter['execute']>> = [];
  const starter: SweepStarter = {
    execute: async (...args) => {
      calls.push(args);
      return { startedAt: 'x', runs: 1, rounds: 2, started: 3, disposed: 3, tasksRun: 6, tasksFailed: 0, skippedCount: 1, skipped: [], stepRetries: 0, outcome: 'finished' };
    },
  };
  const o = new TemporalOrchestrator(starter, { TEMPORAL_TASK_QUEUE: 'q', CUSTODIAN_SWEEP_BATCH: 250 }, () => new Date('2026-04-10T09:00:00Z'));
  await expect(o.runSweep()).resolves.toEqual({ at: '2026-04-10T09:00:00.000Z', started: 3, disposed: 3, tasksRun: 6, tasksFailed: 0 });
  expect(calls).toHaveLength(1);
  const [type, opts] = calls[0]!;
  expect(type).toBe('retentionSweep');
  expect(opts).toMatchObject({ taskQueue: 'q', workflowId: 'custodian-retention-sweep-on-demand-2026-04-10T09:00:00.000Z', args: [{ batch: 250 }] });
  expect(opts.typedSearchAttributes).toEqual([{ key: { name: 'CustodianKind', type: 'KEYWORD' }, value: 'retention-sweep' }]);
});
