import { decideDisposal } from './disposal';
import { describeHold, holdsOn, reviewState, type Hold, type ReviewState } from './hold';
import type { RecordState } from './record';

export interface Explanation {
  status: RecordState['status'];
  due: boolean;
  dueAt: string | null;
  rule: string;
  policyVersion: string;
  /** the open holds covering the record, each of which alone stops its disposal */
  holds: Array<{ id: string; reason: Hold['reason']; reference: string | null; nextReviewAt: string; review: ReviewState }>;
  because: string[];
}

/** Why a record is or is not being deleted, in words a DPO can check against the notice: which rule, which hold. */
export function explainRecord(r: RecordState, nowIso: string, holds: readonly Hold[] = []): Explanation {
  const d = decideDisposal(r, nowIso, holds);
  const on = r.status === 'disposed' ? [] : holdsOn(r, holds);
  const because = [d.reason];
  // a hold on a record not yet due is worth saying too: it will not go at its due time
  if (d.action === 'wait' && on.length) because.push(`When it falls due it will still be kept while a hold is open: ${on.map(describeHold).join(' ')}`);
  if (r.status === 'disposing') {
    because.push(`Disposal started at ${r.disposal?.startedAt}; waiting for every store to confirm.`);
    if (on.length) because.push(`A hold placed since covers it: deletions not yet made are paused. ${on.map(describeHold).join(' ')}`);
  }
  return {
    status: r.status,
    due: d.action === 'dispose' || d.action === 'hold' || r.status === 'disposing',
    dueAt: r.dueAt,
    rule: `${r.retention.action} ${r.retention.duration} after trigger "${r.retention.trigger}"`,
    policyVersion: r.policyVersion,
    holds: on.map((h) => ({ id: h.id, reason: h.reason, reference: h.reference, nextReviewAt: h.nextReviewAt, review: reviewState(h, nowIso) })),
    because,
  };
}
