import fc from 'fast-check';
import type { CategoryPolicy, DataLocation, LifecycleFacts, RetentionRule } from '@custodian/contracts';
import { applyEvent, type PolicyRef, type RecordEvent, type RecordState } from './record';

function policy(duration: string, trigger: RetentionRule['trigger'], over: Partial<PolicyRef> = {}): PolicyRef {
  const category: CategoryPolicy = {
    id: 'complaint',
    description: 'Complaints',
    personalData: ['name'],
    lawfulBasis: { primary: '6(1)(e)', additional: [], provenance: { source: 'notice', quote: 'q' } },
    retention: { duration, trigger, action: 'delete', provenance: { source: 'notice', quote: 'q' } },
    stores: ['crm'],
    segregated: false,
    purposes: ['p'],
  };
  return { packId: 'north-kesteven', packVersion: '1.0.0', category, ...over };
}

const COMPLAINT = policy('P7Y', 'closed');

function ev(offset: number, transition: LifecycleFacts['transition'], occurredAt: string, over: Partial<RecordEvent> = {}): RecordEvent {
  return {
    eventId: `evt-${offset}`,
    offset,
    type: `complaint.${transition}`,
    occurredAt,
    receivedAt: `2024-07-01T00:00:${String(offset % 60).padStart(2, '0')}.000Z`,
    controller: 'north-kesteven',
    category: 'complaint',
    subjectRef: 'subj_a',
    facts: { recordKey: 'CMP-1', transition },
    locations: [{ store: 'crm', locator: 'CMP-1' }],
    ...over,
  };
}

function applyAll(events: RecordEvent[], p: PolicyRef = COMPLAINT): RecordState {
  let r: RecordState | undefined;
  for (const e of events) {
    const d = applyEvent(r, e, p);
    if (d.kind !== 'ignored') r = { ...d.record, id: r?.id ?? 'rec_1' };
  }
  if (!r) throw new Error('no record');
  return r;
}

describe('applyEvent: registration', () => {
  it('registers a record from its first event, with the rule, basis and policy version', () => {
    const d = applyEvent(undefined, ev(1, 'open', '2024-01-10T10:00:00+00:00', { facts: { recordKey: 'CMP-1', transition: 'open', team: 'complaints' } }), COMPLAINT);
    expect(d.kind).toBe('registered');
    const r = d.record!;
    expect(r.status).toBe('active');
    expect(r.controller).toBe('north-kesteven');
    expect(r.category).toBe('complaint');
    expect(r.subjectRef).toBe('subj_a');
    expect(r.lawfulBasis).toBe('6(1)(e)');
    expect(r.policyVersion).toBe('north-kesteven@1.0.0');
    expect(r.retention).toEqual({ duration: 'P7Y', trigger: 'closed', action: 'delete' });
    expect(r.lifecycle).toEqual({ firstAt: '2024-01-10T10:00:00.000Z', lastAt: '2024-01-10T10:00:00.000Z', open: true, closedAt: null, escalatedAt: null, events: 1, reopenedAt: null });
    expect(r.dueAt).toBeNull();
    expect(r.clockStartedAt).toBeNull();
    expect(r.locations).toEqual([{ store: 'crm', locator: 'CMP-1' }]);
    expect(r.team).toBe('complaints');
    expect(r.registeredAt).toBe(r.updatedAt);
    expect(r.lastOffset).toBe(1);
    expect(r.disposal).toBeNull();
  });

  it('normalises occurredAt offsets to UTC in the lifecycle', () => {
    const d = applyEvent(undefined, ev(1, 'open', '2024-06-01T09:30:00+01:00'), COMPLAINT);
    expect(d.record!.lifecycle.firstAt).toBe('2024-06-01T08:30:00.000Z');
  });
});

describe('applyEvent: complaint lifecycle (P7Y after closure)', () => {
  it('becomes due seven years after it is closed, and dueChanged says so', () => {
    const opened = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z')]);
    const d = applyEvent(opened, ev(2, 'close', '2024-03-01T12:00:00Z'), COMPLAINT);
    expect(d.kind).toBe('updated');
    if (d.kind !== 'updated') throw new Error();
    expect(d.dueChanged).toBe(true);
    expect(d.record.lifecycle.open).toBe(false);
    expect(d.record.lifecycle.closedAt).toBe('2024-03-01T12:00:00.000Z');
    expect(d.record.dueAt).toBe('2031-03-01T12:00:00.000Z');
    expect(d.record.registeredAt).toBe(opened.registeredAt);
    expect(d.record.lifecycle.events).toBe(2);
  });

  it('an update that does not move the due time reports dueChanged false', () => {
    const closed = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z'), ev(2, 'close', '2024-03-01T12:00:00Z')]);
    const d = applyEvent(closed, ev(3, 'update', '2024-02-01T12:00:00Z'), COMPLAINT);
    if (d.kind !== 'updated') throw new Error(d.kind);
    expect(d.dueChanged).toBe(false);
    expect(d.record.dueAt).toBe(closed.dueAt);
  });

  it('reopening clears the due time; closing again restarts it from the new closure', () => {
    const closed = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z'), ev(2, 'close', '2024-03-01T12:00:00Z')]);
    const reopened = applyEvent(closed, ev(3, 'reopen', '2024-04-01T12:00:00Z'), COMPLAINT);
    if (reopened.kind !== 'updated') throw new Error(reopened.kind);
    expect(reopened.record.lifecycle.open).toBe(true);
    expect(reopened.record.dueAt).toBeNull();
    expect(reopened.dueChanged).toBe(true);
    const closedAgain = applyEvent(reopened.record, ev(4, 'close', '2024-05-01T12:00:00Z'), COMPLAINT);
    if (closedAgain.kind !== 'updated') throw new Error(closedAgain.kind);
    expect(closedAgain.record.lifecycle.open).toBe(false);
    expect(closedAgain.record.dueAt).toBe('2031-05-01T12:00:00.000Z');
  });

  it('escalation is recorded without changing the closure rule', () => {
    const r = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z'), ev(2, 'escalate', '2024-02-10T10:00:00Z')]);
    expect(r.lifecycle.escalatedAt).toBe('2024-02-10T10:00:00.000Z');
    expect(r.dueAt).toBeNull();
  });
});

describe('applyEvent: out-of-order events', () => {
  it('a close that arrives before the open still gives the right firstAt and closedAt', () => {
    const first = applyEvent(undefined, ev(1, 'close', '2024-03-01T12:00:00Z'), COMPLAINT);
    expect(first.kind).toBe('registered');
    expect(first.record!.lifecycle.open).toBe(false);
    expect(first.record!.dueAt).toBe('2031-03-01T12:00:00.000Z');
    const second = applyEvent({ ...first.record!, id: 'rec_1' }, ev(2, 'open', '2024-01-10T10:00:00Z'), COMPLAINT);
    if (second.kind !== 'updated') throw new Error(second.kind);
    const l = second.record.lifecycle;
    expect(l.firstAt).toBe('2024-01-10T10:00:00.000Z');
    expect(l.lastAt).toBe('2024-03-01T12:00:00.000Z');
    expect(l.closedAt).toBe('2024-03-01T12:00:00.000Z');
    expect(l.open).toBe(false);
    expect(second.record.dueAt).toBe('2031-03-01T12:00:00.000Z');
    expect(second.dueChanged).toBe(false);
  });

  it('an older reopen arriving after a newer close does not reopen the record', () => {
    const r = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z'), ev(2, 'close', '2024-06-01T00:00:00Z'), ev(3, 'reopen', '2024-04-01T00:00:00Z')]);
    expect(r.lifecycle.open).toBe(false);
    expect(r.lifecycle.reopenedAt).toBe('2024-04-01T00:00:00.000Z');
    expect(r.dueAt).toBe('2031-06-01T00:00:00.000Z');
  });
});

describe('applyEvent: idempotence and finality', () => {
  it('a replayed offset (equal or lower) is ignored and the record is returned unchanged', () => {
    const r = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z'), ev(5, 'update', '2024-01-11T10:00:00Z')]);
    for (const off of [5, 4, 1]) {
      const d = applyEvent(r, ev(off, 'close', '2024-03-01T12:00:00Z'), COMPLAINT);
      expect(d.kind).toBe('ignored');
      expect(d.record).toBe(r);
      if (d.kind === 'ignored') expect(d.reason).toMatch(/replay/);
    }
    expect(r.lifecycle.events).toBe(2);
    expect(r.dueAt).toBeNull();
  });

  it.each(['disposed', 'disposing'] as const)('a %s record ignores later events and keeps its state', (status) => {
    const base = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z'), ev(2, 'close', '2024-03-01T12:00:00Z')]);
    const r: RecordState = { ...base, status, disposal: { startedAt: '2031-03-02T00:00:00.000Z', completedAt: status === 'disposed' ? '2031-03-02T00:01:00.000Z' : null, receipts: [] } };
    const d = applyEvent(r, ev(3, 'reopen', '2031-03-03T00:00:00Z', { locations: [{ store: 'crm', locator: 'NEW' }] }), COMPLAINT);
    expect(d.kind).toBe('ignored');
    expect(d.record).toBe(r);
    if (d.kind === 'ignored') expect(d.reason).toContain(status);
    expect(r.status).toBe(status);
    expect(r.locations).toEqual([{ store: 'crm', locator: 'CMP-1' }]);
  });
});

describe('applyEvent: locations, subject and policy version', () => {
  it('merges locations without duplicates, keeping first-seen order', () => {
    const a: DataLocation = { store: 'crm', locator: 'CMP-1' };
    const b: DataLocation = { store: 'telephony-recordings', locator: 'rec/1.wav' };
    const c: DataLocation = { store: 'crm', locator: 'CMP-1-attachment' };
    const r = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z', { locations: [a, b] }), ev(2, 'update', '2024-01-11T10:00:00Z', { locations: [b, a, c] }), ev(3, 'update', '2024-01-12T10:00:00Z', { locations: [] })]);
    expect(r.locations).toEqual([a, b, c]);
  });

  it('keeps the subject the record was registered with', () => {
    const r = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z'), ev(2, 'update', '2024-01-11T10:00:00Z', { subjectRef: 'subj_other' })]);
    expect(r.subjectRef).toBe('subj_a');
  });

  it('keeps team and call-centre location from earlier events when later ones omit them', () => {
    const r = applyAll([
      ev(1, 'open', '2024-01-10T10:00:00Z', { facts: { recordKey: 'CMP-1', transition: 'open', team: 'customer-services', callCentreLocation: 'castle-house' } }),
      ev(2, 'update', '2024-01-11T10:00:00Z'),
    ]);
    expect(r.team).toBe('customer-services');
    expect(r.callCentreLocation).toBe('castle-house');
  });

  it('records the policy version the latest decision was made under', () => {
    const r1 = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z')]);
    const v2 = policy('P6Y', 'closed', { packVersion: '1.1.0' });
    const d = applyEvent(r1, ev(2, 'close', '2024-03-01T12:00:00Z'), v2);
    if (d.kind !== 'updated') throw new Error(d.kind);
    expect(d.record.policyVersion).toBe('north-kesteven@1.1.0');
    expect(d.record.dueAt).toBe('2030-03-01T12:00:00.000Z');
    expect(d.record.retention.duration).toBe('P6Y');
  });

  it('last-activity records become due from the newest event, and an older late event does not move it', () => {
    const p = policy('P2Y', 'last-activity');
    const r = applyAll([ev(1, 'open', '2024-01-10T10:00:00Z'), ev(2, 'update', '2024-05-01T10:00:00Z')], p);
    expect(r.dueAt).toBe('2026-05-01T10:00:00.000Z');
    const late = applyEvent(r, ev(3, 'update', '2024-02-01T10:00:00Z'), p);
    if (late.kind !== 'updated') throw new Error(late.kind);
    expect(late.dueChanged).toBe(false);
    expect(late.record.dueAt).toBe('2026-05-01T10:00:00.000Z');
  });
});

describe('applyEvent: order-independence of lifecycle times (property)', () => {
  const transition = fc.constantFrom<LifecycleFacts['transition']>('open', 'update', 'close', 'reopen', 'escalate');
  const minute = fc.integer({ min: 0, max: 60 * 24 * 365 * 3 });
  const base = Date.parse('2023-01-01T00:00:00Z');
  const offsetSuffix = fc.constantFrom('Z', '+01:00', '-05:00', '+00:00');
  const local = (ms: number, suffix: string) => {
    const off = suffix === 'Z' || suffix === '+00:00' ? 0 : suffix === '+01:00' ? 60 : -300;
    return new Date(ms + off * 60_000).toISOString().slice(0, 19) + suffix;
  };
  const events = fc.array(fc.record({ t: transition, m: minute, s: offsetSuffix }), { minLength: 1, maxLength: 12 });

  it.each([
    ['closed', policy('P7Y', 'closed')],
    ['last-activity', policy('P2Y', 'last-activity')],
    ['occurred', policy('P40D', 'occurred')],
    ['financial-year-end', policy('P6Y', 'financial-year-end')],
  ] as const)('%s: any order of arrival gives the same lifecycle as occurredAt order', (_name, p) => {
    fc.assert(
      fc.property(
        events.chain((spec) => fc.tuple(fc.constant(spec), fc.shuffledSubarray(spec.map((_, i) => i), { minLength: spec.length, maxLength: spec.length }))),
        ([spec, perm]) => {
          const withTime = spec.map((x) => ({ ...x, at: local(base + x.m * 60_000, x.s), ms: base + x.m * 60_000 }));
          const build = (order: typeof withTime) => order.map((x, i) => ev(i + 1, x.t, x.at));
          const sorted = [...withTime].sort((a, b) => a.ms - b.ms);
          const shuffled = perm.map((i) => withTime[i]!);
          const a = applyAll(build(sorted), p);
          const b = applyAll(build(shuffled), p);
          const c = applyAll(build(withTime), p);
          for (const other of [b, c]) {
            expect(other.lifecycle.firstAt).toBe(a.lifecycle.firstAt);
            expect(other.lifecycle.lastAt).toBe(a.lifecycle.lastAt);
            expect(other.lifecycle.closedAt).toBe(a.lifecycle.closedAt);
            expect(other.lifecycle.reopenedAt).toBe(a.lifecycle.reopenedAt);
            expect(other.lifecycle.escalatedAt).toBe(a.lifecycle.escalatedAt);
            expect(other.lifecycle.open).toBe(a.lifecycle.open);
            expect(other.lifecycle.events).toBe(spec.length);
            expect(other.dueAt).toBe(a.dueAt);
          }
          // and the times are the extremes of what happened
          expect(Date.parse(a.lifecycle.firstAt)).toBe(Math.min(...withTime.map((x) => x.ms)));
          expect(Date.parse(a.lifecycle.lastAt)).toBe(Math.max(...withTime.map((x) => x.ms)));
          const closes = withTime.filter((x) => x.t === 'close').map((x) => x.ms);
          expect(a.lifecycle.closedAt === null ? null : Date.parse(a.lifecycle.closedAt)).toBe(closes.length ? Math.max(...closes) : null);
        },
      ),
    );
  });
});
