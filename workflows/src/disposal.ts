import { describeHold, holdsOn, type Hold } from './hold';
import type { Receipt, RecordState } from './record';

/** Stores Custodian itself keeps copies in; every disposal covers them as well as the declared locations. */
export const PLATFORM_STORES = ['custodian-event-log'] as const;

export interface DeletionStep {
  store: string;
  /** the locator at the store; for the platform's own stores, the record id */
  locator: string;
}

export type DisposalDecision =
  | { action: 'dispose'; steps: DeletionStep[]; reason: string }
  | { action: 'wait'; until: string | null; reason: string }
  /** due, but open holds keep it: nothing is deleted until the last of them is released */
  | { action: 'hold'; holds: string[]; reason: string }
  | { action: 'none'; reason: string };

/**
 * Whether a record is to be disposed now, and the plan of deletions if so. `holds` are the open
 * holds of the record's council (any that do not cover it are ignored): a hold beats disposal.
 */
export function decideDisposal(r: RecordState, nowIso: string, holds: readonly Hold[] = []): DisposalDecision {
  if (r.status === 'disposed') return { action: 'none', reason: `Disposed at ${r.disposal?.completedAt ?? 'an earlier time'}.` };
  if (r.dueAt === null) return { action: 'wait', until: null, reason: r.dueReason };
  if (r.dueAt > nowIso) return { action: 'wait', until: r.dueAt, reason: r.dueReason };
  const on = holdsOn(r, holds);
  if (on.length) {
    return { action: 'hold', holds: on.map((h) => h.id), reason: `${r.dueReason} Retention has ended, but ${on.length === 1 ? 'a legal hold keeps it' : `${on.length} legal holds keep it`}: ${on.map(describeHold).join(' ')}` };
  }
  return { action: 'dispose', steps: planDeletions(r), reason: `${r.dueReason} Retention has ended.` };
}

/** One step per location the record's events named, then the platform's own copies. */
export function planDeletions(r: RecordState): DeletionStep[] {
  const steps: DeletionStep[] = r.locations.map((l) => ({ store: l.store, locator: l.locator }));
  for (const s of PLATFORM_STORES) steps.push({ store: s, locator: r.id });
  return steps;
}

/**
 * The non-personal proof a disposed record keeps: ids, category, dates, policy version, stores and
 * receipts. Locators are dropped (a locator may embed a phone number or a name at some vendors).
 */
export function disposedRecord(r: RecordState, receipts: Receipt[], nowIso: string): RecordState {
  return {
    ...r,
    status: 'disposed',
    locations: r.locations.map((l) => ({ store: l.store, locator: '[disposed]' })),
    disposal: { startedAt: r.disposal?.startedAt ?? nowIso, completedAt: nowIso, receipts, ...(r.disposal?.cause ? { cause: r.disposal.cause } : {}) },
  };
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 };

/**
 * When to try a failed deletion again: exponential from the base, capped, never sooner than the
 * store's Retry-After; null when the attempts are used up (escalate).
 * `jitter` in [0,1) is passed in so the decision stays pure.
 */
export function nextAttemptDelay(attempt: number, policy: RetryPolicy, retryAfterMs: number | undefined, jitter: number): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exp / 2 + (exp / 2) * jitter;
  return Math.max(jittered, retryAfterMs ?? 0);
}
