import { isCancellation, proxySinks, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/*
 * A workflow interceptor bundled into the replay tests only. Replay compares commands with history
 * (activity ids and types, timers, how the run ends) but not activity inputs or the result; this
 * reports those to the test through a sink called during replay, so the tests can assert them too.
 */

export interface ReplayRecorderSinks extends Sinks {
  recorder: {
    activity(type: string, input: unknown): void;
    timer(ms: number): void;
    continuedAsNew(args: unknown[]): void;
    returned(result: unknown): void;
    threw(name: string, cancellation: boolean): void;
  };
}

const { recorder } = proxySinks<ReplayRecorderSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        try {
          const result = await next(input);
          recorder.returned(result);
          return result;
        } catch (err) {
          recorder.threw(err instanceof Error ? err.name : typeof err, isCancellation(err));
          throw err;
        }
      },
    },
  ],
  outbound: [
    {
      async scheduleActivity(input, next) {
        recorder.activity(input.activityType, input.args[0]);
        return next(input);
      },
      async startTimer(input, next) {
        recorder.timer(input.durationMs);
        return next(input);
      },
      async continueAsNew(input, next) {
        recorder.continuedAsNew(input.args);
        return next(input);
      },
    },
  ],
});
