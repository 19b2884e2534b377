import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleClient, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction, type ScheduleUpdateOptions } from '@temporalio/client';
import { SWEEP_KIND, SWEEP_SCHEDULE_ID, SWEEP_WORKFLOW_TYPE, SearchAttributes, type SweepInput } from '@custodian/workflows/src/temporal/contract';
import type { TemporalConfig } from './config';

type SweepAction = ScheduleOptionsStartWorkflowAction<(input?: SweepInput) => Promise<unknown>>;

/**
 * The retention sweep's Schedule: one sweep at a time (a sweep still running when the next is due
 * makes the next one skip: the running one picks up whatever became due), a catch-up window so an
 * outage of the server does not leave due records waiting for a whole interval.
 */
export function sweepSchedule(cfg: Pick<TemporalConfig, 'TEMPORAL_TASK_QUEUE' | 'CUSTODIAN_SWEEP_EVERY' | 'CUSTODIAN_SWEEP_BATCH'>): ScheduleOptions<SweepAction> {
  return {
    scheduleId: SWEEP_SCHEDULE_ID,
    spec: { intervals: [{ every: cfg.CUSTODIAN_SWEEP_EVERY as `${number}m` }] },
    action: {
      type: 'startWorkflow',
      workflowType: SWEEP_WORKFLOW_TYPE,
      args: [{ batch: cfg.CUSTODIAN_SWEEP_BATCH }],
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      // the schedule appends the start time: ids name the process, never a record or a person
      workflowId: SWEEP_SCHEDULE_ID,
      typedSearchAttributes: [{ key: SearchAttributes.CustodianKind, value: SWEEP_KIND }],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour', pauseOnFailure: false },
  };
}

/**
 * Creates the sweep Schedule, or brings an existing one to this configuration: safe to run at every
 * deployment. A Schedule an operator paused stays paused (its state is kept).
 */
export async function ensureSweepSchedule(schedules: Pick<ScheduleClient, 'create' | 'getHandle'>, cfg: Parameters<typeof sweepSchedule>[0]): Promise<'created' | 'updated'> {
  const wanted = sweepSchedule(cfg);
  try {
    await schedules.create(wanted);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await schedules.getHandle(wanted.scheduleId).update(
    (previous): ScheduleUpdateOptions<SweepAction> => ({
      spec: wanted.spec,
      action: wanted.action,
      policies: wanted.policies,
      state: { paused: previous.state.paused, note: previous.state.note, remainingActions: previous.state.remainingActions },
    }),
  );
  return 'updated';
}
