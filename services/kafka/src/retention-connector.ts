import { DEFAULT_RETRY } from '@custodian/workflows';
import type { Clock, DeletionConnector, DeletionRequest, DeletionResult, Registry } from '@custodian/core';

/**
 * The platform's own copies in the distributed runtime: Kafka topics cannot delete one record's
 * messages, so their time-based retention (shorter than any category's) does it. A record's copies
 * are gone once its latest event is older than the topics' retention; until then the deletion is
 * retried at that time. Erasure does not wait for this: destroying the subject's data key makes the
 * sealed copies unreadable at once.
 */
export class TopicRetentionConnector implements DeletionConnector {
  readonly kind = 'kafka-retention';
  readonly retry = { ...DEFAULT_RETRY, maxAttempts: 50 };
  constructor(
    private readonly d: { clock: Clock; registry: Pick<Registry, 'get'>; retentionMs: number },
  ) {}

  async delete(requests: DeletionRequest[]): Promise<DeletionResult[]> {
    const records = await this.d.registry.get([...new Set(requests.map((r) => r.recordId))]);
    const now = this.d.clock.now().getTime();
    const days = Math.round(this.d.retentionMs / 86_400_000);
    return requests.map((r): DeletionResult => {
      const rec = records.get(r.recordId);
      // the registry's updatedAt is when the record's latest event was applied, i.e. just after it was appended
      const last = rec ? Date.parse(rec.updatedAt) : NaN;
      if (Number.isNaN(last)) return { outcome: 'absent', detail: 'no record of events in the topics' };
      const left = last + this.d.retentionMs - now;
      if (left <= 0) return { outcome: 'absent', detail: `the topics' copies aged out (retention ${days} day(s))` };
      return { outcome: 'retry', detail: `the topics keep this record's latest event for ${Math.ceil(left / 3_600_000)} more hour(s)`, retryAfterMs: left + 60_000 };
    });
  }
}
