import type { EventBus, StreamBatch, Subscription } from './ports';

export interface PollingOptions {
  maxBatch?: number;
  /** how long an idle subscription waits before polling again */
  idleMs?: number;
  /** backoff after a handler failure; the batch is retried, never skipped */
  retryMs?: { initial: number; max: number };
  onError?: (err: unknown) => void;
}

/**
 * EventStream.subscribe for a log that is read by polling (the embedded log, the in-memory one):
 * poll, hand over, commit only after the handler resolved; a failed handler gets the same batch again.
 */
export function subscribeByPolling(bus: EventBus, group: string, handler: (batch: StreamBatch) => Promise<void>, opts: PollingOptions = {}): Subscription {
  const max = opts.maxBatch ?? 1_000;
  const idle = opts.idleMs ?? 100;
  const retry = opts.retryMs ?? { initial: 100, max: 10_000 };
  let stopping = false;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      try {
        const events = await bus.poll(group, max);
        if (!events.length) {
          await pause(idle);
          continue;
        }
        await handler({ source: 'log', events });
        await bus.commit(group, events[events.length - 1]!.offset!);
        failures = 0;
      } catch (e) {
        // the log or the handler's store is down: the same position is tried again, later
        opts.onError?.(e);
        failures++;
        await pause(Math.min(retry.max, retry.initial * 2 ** Math.min(failures - 1, 16)));
      }
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
