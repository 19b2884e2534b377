import { HistoryBuilder } from '../support/history';

/** an activity takes this long in the golden histories; workflow time moves with it */
export const ACTIVITY_MS = 250;

/** what a replay must see: the activities with their inputs, the timers, and how the run ends */
export interface ScriptExpected<A extends object, R> {
  activities: Array<{ type: keyof A & string; input: unknown }>;
  timers: number[];
  end: { returned: R } | { continuedAsNew: unknown[] } | { cancelled: true };
}

/**
 * Writes one run of a workflow as the server would record it: each call appends what the workflow
 * commands and what the server then records, and notes what a replay must see.
 */
export class WorkflowScript<A extends object, R> {
  readonly history: HistoryBuilder;
  readonly activities: ScriptExpected<A, R>['activities'] = [];
  readonly timers: number[] = [];
  private activitySeq = 0;
  private timerSeq = 0;
  /** workflow time of the activation that started the run */
  readonly startedAt: string;

  constructor(workflowType: string, input: unknown, start: string) {
    this.history = new HistoryBuilder(start);
    this.history.workflowExecutionStarted({ workflowType, args: [input] });
    this.history.workflowTask();
    this.startedAt = this.history.now;
  }

  /** workflow time of the current activation */
  get now(): string {
    return this.history.now;
  }

  /** workflow time once an activity scheduled now has completed */
  get afterActivity(): number {
    return Date.parse(this.now) + ACTIVITY_MS;
  }

  nextActivityId(): string {
    return String(++this.activitySeq);
  }

  /** the workflow schedules `type`; it completes with `result` and the workflow runs on */
  act<K extends keyof A & string>(type: K, input: A[K] extends (i: infer I) => unknown ? I : never, result: A[K] extends (...a: never[]) => Promise<infer O> ? O : never): this {
    this.activities.push({ type, input });
    this.history.activity({ activityId: this.nextActivityId(), activityType: type, args: [input], result, tookMs: ACTIVITY_MS });
    return this;
  }

  /** the workflow schedules `type`; after the server's own attempts it fails */
  actFails<K extends keyof A & string>(type: K, input: A[K] extends (i: infer I) => unknown ? I : never, message: string, attempts = 5): this {
    this.activities.push({ type, input });
    const h = this.history;
    const s = h.activityTaskScheduled({ activityId: this.nextActivityId(), activityType: type, args: [input] });
    const st = h.activityTaskStarted(s, attempts);
    h.advance(ACTIVITY_MS);
    h.activityTaskFailed(s, st, message);
    h.workflowTask();
    return this;
  }

  /** the workflow sleeps `ms` on a durable timer, which fires */
  sleeps(ms: number): this {
    this.timers.push(ms);
    const id = String(++this.timerSeq);
    const started = this.history.timerStarted(id, ms);
    this.history.advance(ms);
    this.history.timerFired(id, started);
    this.history.workflowTask();
    return this;
  }

  returns(report: R): ScriptExpected<A, R> {
    this.history.workflowExecutionCompleted(report);
    return { activities: this.activities, timers: this.timers, end: { returned: report } };
  }

  continuesAsNew(args: unknown[]): ScriptExpected<A, R> {
    this.history.workflowExecutionContinuedAsNew(args);
    return { activities: this.activities, timers: this.timers, end: { continuedAsNew: args } };
  }
}
