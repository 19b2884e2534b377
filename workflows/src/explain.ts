import { decideDisposal } from './disposal';
import type { RecordState } from './record';

export interface Explanation {
  status: RecordState['status'];
  due: boolean;
  dueAt: string | null;
  rule: string;
  policyVersion: string;
  because: string[];
}

/** Why a record is or is not being deleted, in words a DPO can check against the notice. */
export function explainRecord(r: RecordState, nowIso: string): Explanation {
  const d = decideDisposal(r, nowIso);
  const because = [d.reason];
  if (r.status === 'disposing') because.push(`Disposal started at ${r.disposal?.startedAt}; waiting for every store to confirm.`);
  return {
    status: r.status,
    due: d.action === 'dispose' || r.status === 'disposing',
    dueAt: r.dueAt,
    rule: `${r.retention.action} ${r.retention.duration} after trigger "${r.retention.trigger}"`,
    policyVersion: r.policyVersion,
    because,
  };
}
