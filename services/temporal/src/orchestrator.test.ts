import { TemporalOrchestrator, type ListedWorkflow, type SweepStarter } from './orchestrator';

test('a sweep on demand starts the sweep workflow with a time-only id and the kind attribute, and reports its counts', async () => {
  const calls: Array<Parameters<SweepStarter['execute']>> = [];
  const starter: SweepStarter = {
    list: async function* () {},
    start: async () => undefined,
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

test('processes come from visibility, filtered by kind, newest first as listed, up to the limit', async () => {
  const queries: string[] = [];
  const listed: ListedWorkflow[] = [
    { workflowId: 'custodian-retention-sweep-2026-04-10T09:15:00Z', type: 'retentionSweep', status: { name: 'RUNNING' }, startTime: new Date('2026-04-10T09:15:00Z'), kind: 'retention-sweep' },
    { workflowId: 'custodian-retention-sweep-2026-04-10T09:00:00Z', type: 'retentionSweep', status: { name: 'CONTINUED_AS_NEW' }, startTime: new Date('2026-04-10T09:00:00Z'), closeTime: new Date('2026-04-10T09:05:00Z') },
    { workflowId: 'x', type: 'retentionSweep', status: { name: 'COMPLETED' }, startTime: new Date('2026-04-10T08:45:00Z'), closeTime: new Date('2026-04-10T08:46:00Z') },
  ];
  const o = new TemporalOrchestrator(
    {
      execute: async () => {
        throw new Error('not used');
      },
      start: async () => undefined,
      list: async function* (query) {
        queries.push(query);
        yield* listed;
      },
    },
    { TEMPORAL_TASK_QUEUE: 'q', CUSTODIAN_SWEEP_BATCH: 250 },
  );
  await expect(o.processes({ kind: 'retention-sweep', limit: 2 })).resolves.toEqual([
    { id: 'custodian-retention-sweep-2026-04-10T09:15:00Z', kind: 'retention-sweep', status: 'running', startedAt: '2026-04-10T09:15:00.000Z', closedAt: null },
    { id: 'custodian-retention-sweep-2026-04-10T09:00:00Z', kind: 'retention-sweep', status: 'continued', startedAt: '2026-04-10T09:00:00.000Z', closedAt: '2026-04-10T09:05:00.000Z' },
  ]);
  expect(queries).toEqual(['CustodianKind = "retention-sweep"']);
  await o.processes({ limit: 1 });
  expect(queries[1]).toBe('');
  // a kind is interpolated into the query: only plain kind names get there
  await expect(o.processes({ kind: 'x" OR 1=1', limit: 1 })).rejects.toThrow(/not a process kind/);
});

test('an erasure is one workflow per request, with pseudonymous id and search attributes; a second start changes nothing', async () => {
  const { WorkflowExecutionAlreadyStartedError } = await import('@temporalio/client');
  const started: Array<Parameters<SweepStarter['start']>> = [];
  const o = new TemporalOrchestrator(
    {
      execute: async () => {
        throw new Error('not used');
      },
      start: async (...args) => {
        if (started.some((s) => s[1].workflowId === args[1].workflowId)) throw new WorkflowExecutionAlreadyStartedError('already started', args[1].workflowId, args[0]);
        started.push(args);
        return undefined;
      },
      list: async function* () {},
    },
    { TEMPORAL_TASK_QUEUE: 'q', CUSTODIAN_SWEEP_BATCH: 250 },
  );
  const r = { requestId: 'req_Ab3dE5gH7jK9', controller: 'north-kesteven', subjectRef: 'subj_person0001' };
  await o.startErasure(r);
  await o.startErasure(r);
  expect(started).toHaveLength(1);
  const [type, opts] = started[0]!;
  expect(type).toBe('subjectErasure');
  expect(opts).toMatchObject({ taskQueue: 'q', workflowId: 'custodian-erasure-req_Ab3dE5gH7jK9', args: [{ requestId: 'req_Ab3dE5gH7jK9' }] });
  expect(opts.typedSearchAttributes.map((a) => [a.key.name, a.value])).toEqual([
    ['CustodianKind', 'erasure'],
    ['CustodianController', 'north-kesteven'],
    ['CustodianSubjectRef', 'subj_person0001'],
  ]);
});
