import type { WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { BUNDLE_TIMEOUT_MS, REPLAY_TIMEOUT_MS, bundleSweepWorkflows, goldenText, replay } from './replay-support';
import { START, SweepScript, disposesABatch, sweepRecord } from './scenarios';

/*
 * The other half of the golden histories: histories that say something the workflow does not do must
 * fail replay. Without these, a replay that passes could be a replay that checks nothing.
 */

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleSweepWorkflows();
}, BUNDLE_TIMEOUT_MS);

interface JsonEvent {
  eventType: string;
  [attributes: string]: unknown;
}
type ScheduledAttrs = { activityId: string; activityType: { name: string } };

/** the batch golden history as JSON, changed by `edit` */
function editedBatch(edit: (events: JsonEvent[]) => void) {
  const json = JSON.parse(goldenText('sweep-disposes-a-batch.json')) as { events: JsonEvent[] };
  edit(json.events);
  return historyFromJSON(json);
}

const scheduled = (events: JsonEvent[], type: string) =>
  events.filter((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED').map((e) => e.activityTaskScheduledEventAttributes as ScheduledAttrs).find((a) => a.activityType.name === type)!;

/** fails for the stated reason, not merely fails */
async function expectNondeterminism(history: unknown, reason: RegExp) {
  const err: unknown = await replay(bundle, history).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeterminismViolationError);
  expect((err as Error).message).toMatch(reason);
}

const A = 'rec_A7pQ2mZr';
const B = 'rec_B3xK9wLt';
const DUE = '2024-02-19T09:00:00.000Z';
const NOT_DUE = '2024-03-01T10:00:00.000Z';

describe('replay of a wrong history fails with DeterminismViolationError', () => {
  it(
    'the golden batch history itself replays (the baseline the edits below break)',
    async () => {
      await expect(replay(bundle, editedBatch(() => {}))).resolves.toMatchObject({ end: { returned: { outcome: 'finished' } } });
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    'wrong activity type: the history runs deletions where the workflow begins disposal',
    async () => {
      const h = editedBatch((events) => {
        scheduled(events, 'beginDisposal').activityType.name = 'runReadyDeletions';
      });
      await expectNondeterminism(h, /Activity type of scheduled event 'runReadyDeletions' does not match activity type of activity command 'beginDisposal'/);
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    'wrong activity id',
    async () => {
      const h = editedBatch((events) => {
        scheduled(events, 'beginDisposal').activityId = '33';
      });
      await expectNondeterminism(h, /Activity id of scheduled event '33' does not match activity id of activity command '3'/);
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    'missing step: the history ends the sweep after a round that made progress, with no second round',
    async () => {
      const s = new SweepScript({ batch: 100 });
      s.act('completeLeftover', { now: s.now, limit: 400 }, { disposed: [] });
      const t1 = s.now;
      s.act('listDue', { now: t1, limit: 100 }, [sweepRecord(A, DUE)]);
      s.act('beginDisposal', { recordIds: [A], now: t1 }, { started: [A], skipped: [] });
      s.act('runReadyDeletions', { now: t1 }, { touched: [A], tasksRun: 3, tasksFailed: 0 });
      s.act('completeFinished', { recordIds: [A], now: t1 }, { disposed: [A] });
      s.returns(s.report({ rounds: 1, started: 1, disposed: 1, tasksRun: 3, outcome: 'finished' }));
      await expectNondeterminism(s.history.build(), /Activity machine does not handle this event: .*WorkflowExecutionCompleted/);
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    'a held record disposed: the history begins disposal of a record the brain says is not due',
    async () => {
      const s = new SweepScript({ batch: 100 }, START);
      s.act('completeLeftover', { now: s.now, limit: 400 }, { disposed: [] });
      const t1 = s.now;
      s.act('listDue', { now: t1, limit: 100 }, [sweepRecord(B, NOT_DUE)]);
      s.act('beginDisposal', { recordIds: [B], now: t1 }, { started: [B], skipped: [] });
      s.act('runReadyDeletions', { now: t1 }, { touched: [], tasksRun: 0, tasksFailed: 0 });
      s.returns(s.report({ rounds: 1, started: 1, outcome: 'finished' }));
      await expectNondeterminism(s.history.build(), /Activity type of scheduled event 'beginDisposal' does not match activity type of activity command 'runReadyDeletions'/);
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    'a failed step tried again at once, without the backoff timer',
    async () => {
      const s = new SweepScript({ batch: 100 });
      s.act('completeLeftover', { now: s.now, limit: 400 }, { disposed: [] });
      const t1 = s.now;
      s.actFails('listDue', { now: t1, limit: 100 }, 'registry unavailable');
      s.act('listDue', { now: t1, limit: 100 }, []);
      s.act('runReadyDeletions', { now: t1 }, { touched: [], tasksRun: 0, tasksFailed: 0 });
      s.returns(s.report({ rounds: 1, stepRetries: 1, outcome: 'finished' }));
      await expectNondeterminism(s.history.build(), /Timer machine does not handle this event: .*ActivityTaskScheduled/);
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    'a cancelled sweep that carries on: the history lists due records after the cancel request',
    async () => {
      const s = new SweepScript({ batch: 100 });
      s.act('completeLeftover', { now: s.now, limit: 400 }, { disposed: [] });
      const h = s.history;
      h.workflowExecutionCancelRequested();
      // (the workflow task that saw the request is the one act() writes next)
      s.act('listDue', { now: s.now, limit: 100 }, []);
      s.act('runReadyDeletions', { now: s.now }, { touched: [], tasksRun: 0, tasksFailed: 0 });
      s.returns(s.report({ rounds: 1, outcome: 'finished' }));
      await expectNondeterminism(h.build(), /Cancel workflow machine does not handle this event: .*ActivityTaskScheduled/);
    },
    REPLAY_TIMEOUT_MS,
  );
});

describe('why the builder marks workflow tasks with core flags 1-3', () => {
  it(
    'without them sdk-core does not compare activity types, and a wrong activity replays "OK"',
    async () => {
      const h = editedBatch((events) => {
        scheduled(events, 'beginDisposal').activityType.name = 'runReadyDeletions';
        for (const e of events) {
          if (e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED') delete (e.workflowTaskCompletedEventAttributes as { sdkMetadata?: unknown }).sdkMetadata;
        }
      });
      await expect(replay(bundle, h)).resolves.toMatchObject({ end: { returned: { outcome: 'finished' } } });
    },
    REPLAY_TIMEOUT_MS,
  );
});

it('the batch scenario is the golden file the edits start from', () => {
  expect(goldenText('sweep-disposes-a-batch.json')).toBe(disposesABatch().history.toJSON());
});
