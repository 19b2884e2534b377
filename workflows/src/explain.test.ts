import { explainRecord } from './explain';
import type { RecordState } from './record';

function record(over: Partial<RecordState> = {}): RecordState {
  return {
    id: 'rec_1',
    controller: 'north-kesteven',
    category: 'complaint',
    subjectRef: 'subj_1',
    status: 'active',
    lawfulBasis: '6(1)(e)',
    policyVersion: 'north-kesteven@1.0.0',
    retention: { duration: 'P7Y', trigger: 'closed', action: 'delete' },
    lifecycle: { firstAt: '2024-01-10T10:00:00.000Z', lastAt: '2024-03-01T12:00:00.000Z', open: false, closedAt: '2024-03-01T12:00:00.000Z', escalatedAt: null, events: 2, reopenedAt: null },
    clockStartedAt: '2024-03-01T12:00:00.000Z',
    dueAt: '2031-03-01T12:00:00.000Z',
    dueReason: 'Kept P7Y from closure (2024-03-01T12:00:00.000Z), so due at 2031-03-01T12:00:00.000Z.',
    locations: [{ store: 'crm', locator: 'CMP-1' }],
    team: null,
    callCentreLocation: null,
    registeredAt: '2024-01-10T10:00:01.000Z',
    updatedAt: '2024-03-01T12:00:01.000Z',
    lastOffset: 2,
    disposal: null,
    ...over,
  };
}

describe('explainRecord', () => {
  it('explains a record that is not yet due, with the rule and policy version', () => {
    const x = explainRecord(record(), '2025-01-01T00:00:00.000Z');
    expect(x).toEqual({
      status: 'active',
      due: false,
      dueAt: '2031-03-01T12:00:00.000Z',
      rule: 'delete P7Y after trigger "closed"',
      policyVersion: 'north-kesteven@1.0.0',
      holds: [],
      because: ['Kept P7Y from closure (2024-03-01T12:00:00.000Z), so due at 2031-03-01T12:00:00.000Z.'],
    });
  });

  it('explains an open complaint with no due time', () => {
    const reason = 'No due time yet: retention is P7Y from closure, and it has not been closed.';
    const x = explainRecord(record({ dueAt: null, clockStartedAt: null, dueReason: reason }), '2040-01-01T00:00:00.000Z');
    expect(x.due).toBe(false);
    expect(x.dueAt).toBeNull();
    expect(x.because).toEqual([reason]);
  });

  it('says a record past its due time is due, and that retention has ended', () => {
    const x = explainRecord(record(), '2031-03-01T12:00:00.000Z');
    expect(x.due).toBe(true);
    expect(x.because[0]).toMatch(/Retention has ended/);
  });

  it('explains a record mid-disposal: due, and waiting for stores to confirm', () => {
    const x = explainRecord(record({ status: 'disposing', disposal: { startedAt: '2031-03-01T12:05:00.000Z', completedAt: null, receipts: [] } }), '2031-03-01T12:06:00.000Z');
    expect(x.status).toBe('disposing');
    expect(x.due).toBe(true);
    expect(x.because).toHaveLength(2);
    expect(x.because[1]).toContain('2031-03-01T12:05:00.000Z');
    expect(x.because[1]).toMatch(/every store/);
  });

  it('explains a disposed record: not due, disposed at its completion time', () => {
    const x = explainRecord(record({ status: 'disposed', disposal: { startedAt: '2031-03-01T12:05:00.000Z', completedAt: '2031-03-01T12:07:00.000Z', receipts: [] } }), '2032-01-01T00:00:00.000Z');
    expect(x.status).toBe('disposed');
    expect(x.due).toBe(false);
    expect(x.because).toEqual(['Disposed at 2031-03-01T12:07:00.000Z.']);
  });
});
