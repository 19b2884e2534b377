import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

/*
 * A small builder of Temporal workflow histories, written the way the server writes them, so that a test
 * can state what a workflow does step by step and replay it through the real SDK (Worker.runReplayHistory).
 * No Temporal server exists on these machines; see shared/knowledge/engines-offline.md.
 *
 * Events are plain proto objects (converted with History.fromObject at build time); payloads are made
 * with the SDK's default payload converter, as a worker without a codec would write them.
 */

export type History = temporal.api.history.v1.IHistory;

/** without these flags sdk-core does not compare activity ids and types on replay, and a wrong activity replays "OK" */
const CORE_USED_FLAGS = [1, 2, 3];
const IDENTITY = 'replay-history-builder';

type Attrs = Record<string, unknown>;
interface RawEvent {
  eventId: number;
  eventTime: { seconds: number; nanos: number };
  eventType: keyof typeof temporal.api.enums.v1.EventType;
  [attributes: string]: unknown;
}

const payloads = (values: unknown[]) => ({ payloads: values.map((v) => defaultPayloadConverter.toPayload(v) as Payload) });
const duration = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

export interface StartOptions {
  workflowType: string;
  taskQueue?: string;
  args?: unknown[];
  /** the run this one continues, for the first run after a continue-as-new */
  continuedFromRunId?: string;
  attempt?: number;
}

export interface ActivityOptions {
  /** what the SDK assigns: its per-run sequence number of activities, from "1" */
  activityId: string;
  activityType: string;
  args?: unknown[];
}

export class HistoryBuilder {
  private readonly events: RawEvent[] = [];
  private nowMs: number;
  private taskQueue = 'custodian';
  private workflowType = '';
  /** the WorkflowTaskCompleted event the commands that follow it belong to */
  private lastTaskCompleted = 0;

  constructor(
    start: string,
    readonly runId = '00000000-0000-4000-8000-000000000001',
  ) {
    this.nowMs = Date.parse(start);
    if (Number.isNaN(this.nowMs)) throw new Error(`not a time: ${start}`);
  }

  /** moves the event clock; workflow time is the time of each WorkflowTaskStarted */
  advance(ms: number): this {
    this.nowMs += ms;
    return this;
  }

  get now(): string {
    return new Date(this.nowMs).toISOString();
  }

  private add(eventType: RawEvent['eventType'], attributesField: string, attributes: Attrs): number {
    const eventId = this.events.length + 1;
    this.events.push({ eventId, eventTime: { seconds: Math.floor(this.nowMs / 1000), nanos: (this.nowMs % 1000) * 1_000_000 }, eventType, [attributesField]: attributes });
    return eventId;
  }

  workflowExecutionStarted(o: StartOptions): number {
    this.taskQueue = o.taskQueue ?? this.taskQueue;
    this.workflowType = o.workflowType;
    return this.add('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', 'workflowExecutionStartedEventAttributes', {
      workflowType: { name: o.workflowType },
      taskQueue: { name: this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      input: payloads(o.args ?? []),
      workflowTaskTimeout: duration(10_000),
      originalExecutionRunId: this.runId,
      firstExecutionRunId: this.runId,
      ...(o.continuedFromRunId ? { continuedExecutionRunId: o.continuedFromRunId, initiator: 'CONTINUE_AS_NEW_INITIATOR_WORKFLOW' } : {}),
      attempt: o.attempt ?? 1,
      identity: IDENTITY,
      firstWorkflowTaskBackoff: duration(0),
    });
  }

  workflowTaskScheduled(): number {
    return this.add('EVENT_TYPE_WORKFLOW_TASK_SCHEDULED', 'workflowTaskScheduledEventAttributes', {
      taskQueue: { name: this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      startToCloseTimeout: duration(10_000),
      attempt: 1,
    });
  }

  workflowTaskStarted(scheduledEventId: number): number {
    return this.add('EVENT_TYPE_WORKFLOW_TASK_STARTED', 'workflowTaskStartedEventAttributes', { scheduledEventId, identity: IDENTITY, requestId: `wft-${scheduledEventId}` });
  }

  workflowTaskCompleted(scheduledEventId: number, startedEventId: number): number {
    this.lastTaskCompleted = this.add('EVENT_TYPE_WORKFLOW_TASK_COMPLETED', 'workflowTaskCompletedEventAttributes', {
      scheduledEventId,
      startedEventId,
      identity: IDENTITY,
      sdkMetadata: { coreUsedFlags: CORE_USED_FLAGS },
    });
    return this.lastTaskCompleted;
  }

  /** scheduled, started and completed: one activation of the workflow, whose commands follow */
  workflowTask(): number {
    const s = this.workflowTaskScheduled();
    const st = this.workflowTaskStarted(s);
    return this.workflowTaskCompleted(s, st);
  }

  activityTaskScheduled(o: ActivityOptions): number {
    return this.add('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', 'activityTaskScheduledEventAttributes', {
      activityId: o.activityId,
      activityType: { name: o.activityType },
      taskQueue: { name: this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      input: payloads(o.args ?? []),
      startToCloseTimeout: duration(600_000),
      heartbeatTimeout: duration(60_000),
      workflowTaskCompletedEventId: this.lastTaskCompleted,
    });
  }

  activityTaskStarted(scheduledEventId: number, attempt = 1): number {
    return this.add('EVENT_TYPE_ACTIVITY_TASK_STARTED', 'activityTaskStartedEventAttributes', { scheduledEventId, identity: IDENTITY, requestId: `act-${scheduledEventId}`, attempt });
  }

  /** exactly one result payload, as the server requires (undefined becomes binary/null) */
  activityTaskCompleted(scheduledEventId: number, startedEventId: number, result: unknown): number {
    return this.add('EVENT_TYPE_ACTIVITY_TASK_COMPLETED', 'activityTaskCompletedEventAttributes', { result: payloads([result]), scheduledEventId, startedEventId, identity: IDENTITY });
  }

  /** the activity failed and the server will not try it again (its attempts are used up) */
  activityTaskFailed(scheduledEventId: number, startedEventId: number, message: string, type = 'Error'): number {
    return this.add('EVENT_TYPE_ACTIVITY_TASK_FAILED', 'activityTaskFailedEventAttributes', {
      failure: { message, source: 'TypeScriptSDK', applicationFailureInfo: { type, nonRetryable: false } },
      scheduledEventId,
      startedEventId,
      identity: IDENTITY,
      retryState: 'RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED',
    });
  }

  activityTaskCancelRequested(scheduledEventId: number): number {
    return this.add('EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED', 'activityTaskCancelRequestedEventAttributes', { scheduledEventId, workflowTaskCompletedEventId: this.lastTaskCompleted });
  }

  /** scheduled, started and completed with `result`, then the workflow task that sees the result */
  activity(o: ActivityOptions & { result: unknown; attempt?: number; tookMs?: number }): this {
    const s = this.activityTaskScheduled(o);
    const st = this.activityTaskStarted(s, o.attempt);
    this.advance(o.tookMs ?? 100);
    this.activityTaskCompleted(s, st, o.result);
    this.workflowTask();
    return this;
  }

  timerStarted(timerId: string, ms: number): number {
    return this.add('EVENT_TYPE_TIMER_STARTED', 'timerStartedEventAttributes', { timerId, startToFireTimeout: duration(ms), workflowTaskCompletedEventId: this.lastTaskCompleted });
  }

  timerFired(timerId: string, startedEventId: number): number {
    return this.add('EVENT_TYPE_TIMER_FIRED', 'timerFiredEventAttributes', { timerId, startedEventId });
  }

  workflowExecutionCancelRequested(cause = 'operator request'): number {
    return this.add('EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED', 'workflowExecutionCancelRequestedEventAttributes', { cause, identity: IDENTITY });
  }

  workflowExecutionCompleted(result: unknown): number {
    return this.add('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED', 'workflowExecutionCompletedEventAttributes', { result: payloads([result]), workflowTaskCompletedEventId: this.lastTaskCompleted });
  }

  workflowExecutionContinuedAsNew(args: unknown[], newExecutionRunId = '00000000-0000-4000-8000-000000000002'): number {
    return this.add('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW', 'workflowExecutionContinuedAsNewEventAttributes', {
      newExecutionRunId,
      workflowType: { name: this.workflowType },
      taskQueue: { name: this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      input: payloads(args),
      workflowTaskTimeout: duration(10_000),
      workflowTaskCompletedEventId: this.lastTaskCompleted,
      initiator: 'CONTINUE_AS_NEW_INITIATOR_WORKFLOW',
    });
  }

  workflowExecutionCanceled(): number {
    return this.add('EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED', 'workflowExecutionCanceledEventAttributes', { workflowTaskCompletedEventId: this.lastTaskCompleted });
  }

  build(): History {
    return temporal.api.history.v1.History.fromObject({ events: this.events });
  }

  /** the JSON Temporal's own tools write (`temporal workflow show --output json`), for golden files */
  toJSON(): string {
    return `${historyToJSON(this.build())}\n`;
  }
}

/** reads a golden history file's text */
export function historyFromJSONText(text: string): History {
  return historyFromJSON(JSON.parse(text));
}
