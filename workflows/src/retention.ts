import type { RetentionRule } from '@custodian/contracts';
import { addDuration, financialYearEnd } from './duration';

/** What the brain knows of a record's life, from its events (non-personal). */
export interface Lifecycle {
  firstAt: string;
  lastAt: string;
  open: boolean;
  closedAt: string | null;
  escalatedAt: string | null;
  events: number;
}

export interface RetentionDecision {
  /** when the retention clock started, or null if its trigger has not happened */
  clockStartedAt: string | null;
  /** when the record is due for disposal, or null if it has no due time yet */
  dueAt: string | null;
  /** a sentence a DPO can read */
  reason: string;
}

const TRIGGER_WORDS: Record<RetentionRule['trigger'], string> = {
  occurred: 'from when it was recorded',
  closed: 'from closure',
  'last-activity': 'from the last activity',
  'financial-year-end': 'from the end of the financial year',
};

/** The due time of a record under a retention rule. Event-based: a "closed" clock starts only at closure. */
export function retentionDue(life: Lifecycle, rule: RetentionRule): RetentionDecision {
  const keep = `${rule.duration} ${TRIGGER_WORDS[rule.trigger]}`;
  let start: string | null;
  switch (rule.trigger) {
    case 'occurred':
      start = life.firstAt;
      break;
    case 'last-activity':
      start = life.lastAt;
      break;
    case 'financial-year-end':
      start = financialYearEnd(life.firstAt);
      break;
    case 'closed':
      start = life.open ? null : life.closedAt;
      break;
  }
  if (start === null) {
    return {
      clockStartedAt: null,
      dueAt: null,
      reason: `No due time yet: retention is ${keep}, and it has not been closed.`,
    };
  }
  const dueAt = addDuration(start, rule.duration);
  return { clockStartedAt: start, dueAt, reason: `Kept ${keep} (${start}), so due at ${dueAt}.` };
}
