import { HOLD_REASON_NAMES, type HoldReason, type HoldScope } from '@custodian/contracts';
import { addDuration, toUtcIso } from './duration';
import type { RecordState } from './record';

export interface HoldReview {
  at: string;
  by: string;
  decision: 'keep' | 'release';
  note: string;
}

/**
 * A legal hold: keeps what it covers past retention (and, later, past erasure) until released.
 * Holds stack: a record is disposed only when no open hold covers it.
 */
export interface Hold {
  id: string;
  controller: string;
  scope: HoldScope;
  reason: HoldReason;
  reference: string | null;
  reviewEvery: string;
  placedAt: string;
  placedBy: string;
  nextReviewAt: string;
  reviews: HoldReview[];
  status: 'active' | 'released';
  releasedAt: string | null;
  releasedBy: string | null;
  /** bumped on every change: two operators acting on one hold cannot overwrite each other */
  revision: number;
}

export type ReviewState = 'ok' | 'due-soon' | 'overdue' | 'closed';

/** how far ahead a review shows as due soon */
export const REVIEW_DUE_SOON = 'P7D';

export function newHold(input: { id: string; controller: string; scope: HoldScope; reason: HoldReason; reference?: string | undefined; reviewEvery: string }, by: string, nowIso: string): Hold {
  return {
    id: input.id,
    controller: input.controller,
    scope: input.scope,
    reason: input.reason,
    reference: input.reference ?? null,
    reviewEvery: input.reviewEvery,
    placedAt: nowIso,
    placedBy: by,
    nextReviewAt: addDuration(nowIso, input.reviewEvery),
    reviews: [],
    status: 'active',
    releasedAt: null,
    releasedBy: null,
    revision: 1,
  };
}

export class HoldStateError extends Error {}

/** A review: keeping moves the next review on by the interval; releasing closes the hold. */
export function reviewHold(h: Hold, review: { decision: 'keep' | 'release'; note: string }, by: string, nowIso: string): Hold {
  if (h.status !== 'active') throw new HoldStateError(`hold ${h.id} was released at ${h.releasedAt}; it cannot be reviewed`);
  const reviews = [...h.reviews, { at: nowIso, by, decision: review.decision, note: review.note }];
  if (review.decision === 'release') return { ...h, reviews, status: 'released', releasedAt: nowIso, releasedBy: by, revision: h.revision + 1 };
  return { ...h, reviews, nextReviewAt: addDuration(nowIso, h.reviewEvery), revision: h.revision + 1 };
}

export function reviewState(h: Hold, nowIso: string): ReviewState {
  if (h.status !== 'active') return 'closed';
  if (h.nextReviewAt < nowIso) return 'overdue';
  if (h.nextReviewAt <= addDuration(nowIso, REVIEW_DUE_SOON)) return 'due-soon';
  return 'ok';
}

/** Whether an open hold covers a record. Scopes match on the record's non-personal facts only. */
export function holdCovers(h: Hold, r: RecordState): boolean {
  if (h.status !== 'active' || h.controller !== r.controller) return false;
  const s = h.scope;
  switch (s.kind) {
    case 'record':
      return r.id === s.recordId;
    case 'subject':
      return r.subjectRef === s.subjectRef;
    case 'case':
      return (r.caseRefs ?? []).includes(s.caseRef);
    case 'category': {
      if (r.category !== s.category) return false;
      const began = r.lifecycle.firstAt;
      return began >= toUtcIso(s.from) && began < toUtcIso(s.to);
    }
  }
}

/** the open holds covering a record, oldest first */
export function holdsOn(r: RecordState, holds: readonly Hold[]): Hold[] {
  return holds.filter((h) => holdCovers(h, r)).sort((a, b) => (a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : a.id < b.id ? -1 : 1));
}

export function describeScope(s: HoldScope): string {
  switch (s.kind) {
    case 'record':
      return `record ${s.recordId}`;
    case 'subject':
      return `every record of subject ${s.subjectRef}`;
    case 'case':
      return `case ${s.caseRef} and the recordings linked to it`;
    case 'category':
      return `${s.category} records begun from ${s.from} to ${s.to}`;
  }
}

/** one line a DPO reads: which hold, why, placed when, review when */
export function describeHold(h: Hold): string {
  const ref = h.reference ? ` (${h.reference})` : '';
  return `Held by ${h.id} for ${HOLD_REASON_NAMES[h.reason]}${ref}, placed ${h.placedAt} by ${h.placedBy} on ${describeScope(h.scope)}; next review ${h.nextReviewAt}.`;
}
