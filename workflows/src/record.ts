import type { CategoryPolicy, DataCategory, DataLocation, LawfulBasis, LifecycleFacts, RetentionRule } from '@custodian/contracts';
import { toUtcIso } from './duration';
import { retentionDue, type Lifecycle } from './retention';

/** `held`: due, but an open legal hold keeps it (the sweep's decision, kept so the due list skips it) */
export type RecordStatus = 'active' | 'held' | 'disposing' | 'disposed';

export interface Receipt {
  store: string;
  outcome: 'deleted' | 'absent';
  at: string;
  /** what the store said, e.g. "HTTP 204" or "file removed"; never personal data */
  detail: string;
  /** the store's own reference for the deletion, if it gives one */
  reference?: string;
}

/** A registered record: everything here is non-personal (personal fields live sealed elsewhere). */
export interface RecordState {
  id: string;
  controller: string;
  category: DataCategory;
  subjectRef: string;
  status: RecordStatus;
  lawfulBasis: LawfulBasis;
  /** "<pack id>@<pack version>" the latest decision was made under */
  policyVersion: string;
  retention: Pick<RetentionRule, 'duration' | 'trigger' | 'action'>;
  lifecycle: Lifecycle & { reopenedAt: string | null };
  clockStartedAt: string | null;
  dueAt: string | null;
  dueReason: string;
  locations: DataLocation[];
  /** the council references the record answers to: its own key and any case a recording is linked to (hold scopes match these) */
  caseRefs?: string[];
  /** while `held`: the holds that kept it when it fell due */
  heldBy?: string[];
  team: string | null;
  callCentreLocation: string | null;
  registeredAt: string;
  updatedAt: string;
  /** highest log offset applied: replays of older offsets are no-ops */
  lastOffset: number;
  disposal: null | {
    startedAt: string;
    completedAt: string | null;
    receipts: Receipt[];
    /** why: retention ended (absent on records disposed before erasure existed), or a subject's erasure request */
    cause?: DisposalCause;
  };
}

export type DisposalCause = { kind: 'retention' } | { kind: 'erasure'; requestId: string; article: string };

export interface RecordEvent {
  eventId: string;
  offset: number;
  type: string;
  occurredAt: string;
  receivedAt: string;
  controller: string;
  category: DataCategory;
  subjectRef: string;
  facts: LifecycleFacts;
  locations: DataLocation[];
}

export interface PolicyRef {
  packId: string;
  packVersion: string;
  category: CategoryPolicy;
}

export type RecordDecision =
  | { kind: 'registered'; record: RecordState }
  | { kind: 'updated'; record: RecordState; dueChanged: boolean }
  | { kind: 'ignored'; record: RecordState | undefined; reason: string };

function mergeLocations(a: DataLocation[], b: DataLocation[]): DataLocation[] {
  const seen = new Set(a.map((l) => `${l.store}\u0000${l.locator}`));
  const out = [...a];
  for (const l of b) {
    const k = `${l.store}\u0000${l.locator}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(l);
    }
  }
  return out;
}

function mergeRefs(a: string[], b: string[]): string[] {
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out;
}

const later = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a >= b ? a : b);

/**
 * Applies one event to a record. Order-independent for lifecycle times (events of one record may
 * arrive out of order), idempotent for replays (offset at or below lastOffset is a no-op), and a
 * disposed record never comes back.
 */
export function applyEvent(prev: RecordState | undefined, e: RecordEvent, policy: PolicyRef): RecordDecision {
  if (prev && e.offset <= prev.lastOffset) return { kind: 'ignored', record: prev, reason: 'already applied (replay)' };
  // a held record still takes events (a complaint reopens): it is active again and the next sweep decides afresh
  if (prev && prev.status !== 'active' && prev.status !== 'held') {
    return { kind: 'ignored', record: prev, reason: `record is ${prev.status}; a later event cannot bring its data back` };
  }
  const at = toUtcIso(e.occurredAt);
  const t = e.facts.transition;
  const base: Lifecycle & { reopenedAt: string | null } = prev
    ? { ...prev.lifecycle }
    : { firstAt: at, lastAt: at, open: true, closedAt: null, escalatedAt: null, events: 0, reopenedAt: null };
  const life = { ...base, events: base.events + 1 };
  if (at < life.firstAt) life.firstAt = at;
  if (at > life.lastAt) life.lastAt = at;
  if (t === 'close') life.closedAt = later(life.closedAt, at);
  if (t === 'reopen') life.reopenedAt = later(life.reopenedAt, at);
  if (t === 'escalate') life.escalatedAt = later(life.escalatedAt, at);
  life.open = life.closedAt === null || (life.reopenedAt !== null && life.reopenedAt > life.closedAt);

  const rule = policy.category.retention;
  const due = retentionDue(life, rule);
  const record: RecordState = {
    id: prev?.id ?? '',
    controller: e.controller,
    category: e.category,
    subjectRef: prev?.subjectRef ?? e.subjectRef,
    status: 'active',
    lawfulBasis: policy.category.lawfulBasis.primary,
    policyVersion: `${policy.packId}@${policy.packVersion}`,
    retention: { duration: rule.duration, trigger: rule.trigger, action: rule.action },
    lifecycle: life,
    clockStartedAt: due.clockStartedAt,
    dueAt: due.dueAt,
    dueReason: due.reason,
    locations: mergeLocations(prev?.locations ?? [], e.locations),
    caseRefs: mergeRefs(prev?.caseRefs ?? [], [e.facts.recordKey, ...(e.facts.linkedCaseRef ? [e.facts.linkedCaseRef] : [])]),
    team: e.facts.team ?? prev?.team ?? null,
    callCentreLocation: e.facts.callCentreLocation ?? prev?.callCentreLocation ?? null,
    registeredAt: prev?.registeredAt ?? e.receivedAt,
    updatedAt: e.receivedAt,
    lastOffset: e.offset,
    disposal: null,
  };
  if (!prev) return { kind: 'registered', record };
  return { kind: 'updated', record, dueChanged: prev.dueAt !== record.dueAt };
}
