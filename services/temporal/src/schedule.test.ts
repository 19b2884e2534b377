import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleDescription, type ScheduleOptions, type ScheduleUpdateOptions } from '@temporalio/client';
import { SWEEP_SCHEDULE_ID, SearchAttributes } from '@custodian/workflows/src/temporal/contract';
import { ensureSweepSchedule, sweepSchedule } from './schedule';

const CFG = { TEMPORAL_TASK_QUEUE: 'lifecycle', CUSTODIAN_SWEEP_EVERY: '15m', CUSTODIAN_SWEEP_BATCH: 200 };

/** a ScheduleClient stand-in holding at most the one schedule, as the server would */
function fakeSchedules(existing?: { paused: boolean; note?: string }) {
  let current: { options: ScheduleOptions | ScheduleUpdateOptions; state: { paused: boolean; note?: string } } | undefined = existing ? { options: sweepSchedule({ ...CFG, CUSTODIAN_SWEEP_EVERY: '1h' }), state: existing } : undefined;
  return {
    get current() {
      return current;
    },
    async create(options: ScheduleOptions) {
      if (current) throw new ScheduleAlreadyRunning('Schedule already exists and is running', options.scheduleId);
      current = { options, state: { paused: false } };
      return this.getHandle(options.scheduleId);
    },
    getHandle(id: string) {
      expect(id).toBe(SWEEP_SCHEDULE_ID);
      return {
        async update(fn: (previous: ScheduleDescription) => ScheduleUpdateOptions) {
          const next = fn({ state: { ...current!.state, remainingActions: undefined } } as unknown as ScheduleDescription);
          const st = (next.state ?? {}) as { paused?: boolean; note?: string };
          current = { options: next, state: { paused: st.paused ?? false, ...(st.note ? { note: st.note } : {}) } };
        },
      };
    },
  };
}

describe('sweepSchedule', () => {
  it('starts the sweep on the task queue at the interval, one at a time, listed by kind only', () => {
    const s = sweepSchedule(CFG);
    expect(s.scheduleId).toBe('custodian-retention-sweep');
    expect(s.spec).toEqual({ intervals: [{ every: '15m' }] });
    expect(s.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionSweep', args: [{ batch: 200 }], taskQueue: 'lifecycle', workflowId: 'custodian-retention-sweep' });
    expect(s.action.typedSearchAttributes).toEqual([{ key: { name: 'CustodianKind', type: 'KEYWORD' }, value: 'retention-sweep' }]);
    expect(SearchAttributes.CustodianKind).toEqual({ name: 'CustodianKind', type: 'KEYWORD' });
    expect(s.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.SKIP });
  });
});

describe('ensureSweepSchedule', () => {
  it('creates the schedule when there is none', async () => {
    const schedules = fakeSchedules();
    expect(await ensureSweepSchedule(schedules as never, CFG)).toBe('created');
    expect(schedules.current!.options).toEqual(sweepSchedule(CFG));
  });

  it('is idempotent: run again, it updates the existing schedule to the configuration', async () => {
    const schedules = fakeSchedules();
    await ensureSweepSchedule(schedules as never, CFG);
    expect(await ensureSweepSchedule(schedules as never, { ...CFG, CUSTODIAN_SWEEP_BATCH: 50 })).toBe('updated');
    expect(schedules.current!.options.action.args).toEqual([{ batch: 50 }]);
  });

  it('keeps an operator’s pause (and note) when it updates', async () => {
    const schedules = fakeSchedules({ paused: true, note: 'paused during restore' });
    expect(await ensureSweepSchedule(schedules as never, CFG)).toBe('updated');
    expect(schedules.current!.state).toEqual({ paused: true, note: 'paused during restore' });
    expect(schedules.current!.options.spec).toEqual({ intervals: [{ every: '15m' }] });
  });

  it('other errors from the server are not swallowed', async () => {
    const schedules = { create: async () => Promise.reject(new Error('PERMISSION_DENIED')), getHandle: () => ({}) };
    await expect(ensureSweepSchedule(schedules as never, CFG)).rejects.toThrow('PERMISSION_DENIED');
  });
});
