import fc from 'fast-check';
import { DEFAULT_RETRY, PLATFORM_STORES, decideDisposal, disposedRecord, nextAttemptDelay, planDeletions, type RetryPolicy } from './disposal';
import type { Receipt, RecordState } from './record';
import { recordingState } from './test-support/records';

const record = (over: Partial<RecordState> = {}) =>
  recordingState({
    id: 'rec_abc',
    subjectRef: 'subj_1',
    locations: [
      { store: '8x8', locator: 'calls/07700900123-2024-01-01.wav' },
      { store: 'recordings-files', locator: '/secure/Pat Jones/2024-01-01.wav' },
    ],
    ...over,
  });

describe('decideDisposal', () => {
  it('waits with no time while there is no due time', () => {
    const r = record({ dueAt: null, clockStartedAt: null, dueReason: 'No due time yet: retention is P7Y from closure, and it has not been closed.' });
    expect(decideDisposal(r, '2099-01-01T00:00:00.000Z')).toEqual({ action: 'wait', until: null, reason: r.dueReason });
  });

  it('waits until the due time when it is in the future', () => {
    const r = record();
    expect(decideDisposal(r, '2024-02-10T09:59:59.999Z')).toEqual({ action: 'wait', until: '2024-02-10T10:00:00.000Z', reason: r.dueReason });
  });

  it('disposes at and after the due time, with one step per location plus the event log', () => {
    for (const now of ['2024-02-10T10:00:00.000Z', '2030-01-01T00:00:00.000Z']) {
      const d = decideDisposal(record(), now);
      expect(d.action).toBe('dispose');
      if (d.action !== 'dispose') return;
      expect(d.steps).toEqual([
        { store: '8x8', locator: 'calls/07700900123-2024-01-01.wav' },
        { store: 'recordings-files', locator: '/secure/Pat Jones/2024-01-01.wav' },
        { store: 'custodian-event-log', locator: 'rec_abc' },
      ]);
      expect(d.reason).toContain('P40D');
      expect(d.reason).toMatch(/Retention has ended/);
    }
  });

  it('does nothing for a disposed record, saying when it was disposed', () => {
    const r = record({ status: 'disposed', disposal: { startedAt: '2024-02-10T10:00:00.000Z', completedAt: '2024-02-10T10:05:00.000Z', receipts: [] } });
    const d = decideDisposal(r, '2030-01-01T00:00:00.000Z');
    expect(d.action).toBe('none');
    expect(d.reason).toContain('2024-02-10T10:05:00.000Z');
  });
});

describe('planDeletions', () => {
  it('covers every declared location and every platform store', () => {
    const r = record({ locations: [] });
    expect(planDeletions(r)).toEqual(PLATFORM_STORES.map((s) => ({ store: s, locator: 'rec_abc' })));
    expect(PLATFORM_STORES).toContain('custodian-event-log');
  });

  it('keeps one step per location, in order (property)', () => {
    const loc = fc.record({ store: fc.constantFrom('crm', '8x8', 'payments'), locator: fc.string({ minLength: 1, maxLength: 20 }) });
    fc.assert(
      fc.property(fc.array(loc, { maxLength: 10 }), (locations) => {
        const steps = planDeletions(record({ locations }));
        expect(steps.slice(0, locations.length)).toEqual(locations);
        expect(steps.slice(locations.length)).toEqual([{ store: 'custodian-event-log', locator: 'rec_abc' }]);
      }),
    );
  });
});

describe('disposedRecord', () => {
  const receipts: Receipt[] = [
    { store: '8x8', outcome: 'deleted', at: '2024-02-10T10:01:00.000Z', detail: 'HTTP 204', reference: 'del-1' },
    { store: 'custodian-event-log', outcome: 'deleted', at: '2024-02-10T10:01:00.000Z', detail: 'sealed sections of 1 event(s) purged' },
  ];

  it('keeps non-personal proof and drops locators (which may embed a phone number or a name)', () => {
    const before = record({ status: 'disposing', disposal: { startedAt: '2024-02-10T10:00:00.000Z', completedAt: null, receipts: [] } });
    const after = disposedRecord(before, receipts, '2024-02-10T10:02:00.000Z');
    expect(after.status).toBe('disposed');
    expect(after.locations).toEqual([
      { store: '8x8', locator: '[disposed]' },
      { store: 'recordings-files', locator: '[disposed]' },
    ]);
    expect(JSON.stringify(after)).not.toContain('07700900123');
    expect(JSON.stringify(after)).not.toContain('Pat Jones');
    expect(after.disposal).toEqual({ startedAt: '2024-02-10T10:00:00.000Z', completedAt: '2024-02-10T10:02:00.000Z', receipts });
    expect(after.id).toBe(before.id);
    expect(after.policyVersion).toBe(before.policyVersion);
    expect(after.dueAt).toBe(before.dueAt);
    // the input is not mutated
    expect(before.locations[0]!.locator).toBe('calls/07700900123-2024-01-01.wav');
  });

  it('uses the completion time as start when no disposal had been started', () => {
    const after = disposedRecord(record(), receipts, '2024-02-10T10:02:00.000Z');
    expect(after.disposal!.startedAt).toBe('2024-02-10T10:02:00.000Z');
  });
});

describe('nextAttemptDelay', () => {
  const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 10_000 };

  it('doubles from the base (jitter 0 gives half, jitter near 1 nearly the whole)', () => {
    expect(nextAttemptDelay(1, policy, undefined, 0)).toBe(500);
    expect(nextAttemptDelay(2, policy, undefined, 0)).toBe(1_000);
    expect(nextAttemptDelay(3, policy, undefined, 0)).toBe(2_000);
    expect(nextAttemptDelay(4, policy, undefined, 0)).toBe(4_000);
    expect(nextAttemptDelay(3, policy, undefined, 0.5)).toBe(3_000);
  });

  it('is capped at maxDelayMs', () => {
    const p: RetryPolicy = { maxAttempts: 50, baseDelayMs: 1_000, maxDelayMs: 10_000 };
    expect(nextAttemptDelay(20, p, undefined, 0)).toBe(5_000);
    expect(nextAttemptDelay(20, p, undefined, 0.999999)).toBeLessThan(10_000);
    expect(nextAttemptDelay(20, p, undefined, 0.999999)).toBeGreaterThan(9_999);
  });

  it("honours the store's Retry-After, even beyond the cap", () => {
    expect(nextAttemptDelay(1, policy, 60_000, 0.3)).toBe(60_000);
    expect(nextAttemptDelay(4, policy, 100, 0)).toBe(4_000);
  });

  it('returns null once the attempts are used up (escalate)', () => {
    expect(nextAttemptDelay(4, policy, undefined, 0)).not.toBeNull();
    expect(nextAttemptDelay(5, policy, undefined, 0)).toBeNull();
    expect(nextAttemptDelay(6, policy, 5_000, 0)).toBeNull();
    expect(nextAttemptDelay(DEFAULT_RETRY.maxAttempts, DEFAULT_RETRY, undefined, 0)).toBeNull();
    expect(nextAttemptDelay(DEFAULT_RETRY.maxAttempts - 1, DEFAULT_RETRY, undefined, 0)).not.toBeNull();
  });

  it('stays within [exp/2, exp) and never below Retry-After (property)', () => {
    const pol = fc.record({ maxAttempts: fc.integer({ min: 1, max: 30 }), baseDelayMs: fc.integer({ min: 1, max: 60_000 }), maxDelayMs: fc.integer({ min: 1, max: 3_600_000 }) });
    fc.assert(
      fc.property(pol, fc.integer({ min: 1, max: 40 }), fc.option(fc.integer({ min: 0, max: 7_200_000 }), { nil: undefined }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (p, attempt, retryAfter, jitter) => {
        const d = nextAttemptDelay(attempt, p, retryAfter, jitter);
        if (attempt >= p.maxAttempts) {
          expect(d).toBeNull();
          return;
        }
        expect(d).not.toBeNull();
        const exp = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
        const lo = Math.max(exp / 2, retryAfter ?? 0);
        expect(d!).toBeGreaterThanOrEqual(lo);
        if ((retryAfter ?? 0) < exp) expect(d!).toBeLessThan(exp + 1e-9);
        else expect(d!).toBe(retryAfter);
        expect(d!).toBeLessThanOrEqual(Math.max(p.maxDelayMs, retryAfter ?? 0));
      }),
    );
  });

  it('is non-decreasing in the attempt number for a fixed jitter (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, jitter) => {
        const p: RetryPolicy = { maxAttempts: 30, baseDelayMs: 250, maxDelayMs: 60_000 };
        expect(nextAttemptDelay(attempt + 1, p, undefined, jitter)!).toBeGreaterThanOrEqual(nextAttemptDelay(attempt, p, undefined, jitter)!);
      }),
    );
  });
});
