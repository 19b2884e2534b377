import type { RetentionRule } from '@custodian/contracts';
import { retentionDue, type Lifecycle } from './retention';

const rule = (duration: string, trigger: RetentionRule['trigger']): RetentionRule => ({
  duration,
  trigger,
  action: 'delete',
  provenance: { source: 'notice', quote: 'test' },
});

const life = (over: Partial<Lifecycle> = {}): Lifecycle => ({
  firstAt: '2024-01-10T09:00:00.000Z',
  lastAt: '2024-05-20T15:00:00.000Z',
  open: true,
  closedAt: null,
  escalatedAt: null,
  events: 3,
  ...over,
});

describe('retentionDue', () => {
  it('occurred: the clock starts at the first event', () => {
    const d = retentionDue(life(), rule('P40D', 'occurred'));
    expect(d.clockStartedAt).toBe('2024-01-10T09:00:00.000Z');
    expect(d.dueAt).toBe('2024-02-19T09:00:00.000Z');
    expect(d.reason).toContain('P40D from when it was recorded');
    expect(d.reason).toContain('2024-01-10T09:00:00.000Z');
    expect(d.reason).toContain('2024-02-19T09:00:00.000Z');
  });

  it('occurred: later activity does not move the clock', () => {
    const a = retentionDue(life({ lastAt: '2024-01-10T09:00:00.000Z' }), rule('P6M', 'occurred'));
    const b = retentionDue(life({ lastAt: '2025-01-01T00:00:00.000Z' }), rule('P6M', 'occurred'));
    expect(a.dueAt).toBe('2024-07-10T09:00:00.000Z');
    expect(b.dueAt).toBe(a.dueAt);
  });

  it('closed: no due time while the record is open', () => {
    const d = retentionDue(life(), rule('P7Y', 'closed'));
    expect(d.clockStartedAt).toBeNull();
    expect(d.dueAt).toBeNull();
    expect(d.reason).toContain('P7Y from closure');
    expect(d.reason).toMatch(/No due time yet/);
  });

  it('closed: due seven years after closure', () => {
    const d = retentionDue(life({ open: false, closedAt: '2024-03-01T12:00:00.000Z' }), rule('P7Y', 'closed'));
    expect(d.clockStartedAt).toBe('2024-03-01T12:00:00.000Z');
    expect(d.dueAt).toBe('2031-03-01T12:00:00.000Z');
    expect(d.reason).toContain('P7Y from closure');
    expect(d.reason).toContain('2031-03-01T12:00:00.000Z');
  });

  it('closed: a reopened record (open again with an earlier closure) has no due time', () => {
    const d = retentionDue(life({ open: true, closedAt: '2024-03-01T12:00:00.000Z' }), rule('P7Y', 'closed'));
    expect(d.dueAt).toBeNull();
    expect(d.clockStartedAt).toBeNull();
  });

  it('last-activity: the clock starts at the latest event', () => {
    const d = retentionDue(life(), rule('P2Y', 'last-activity'));
    expect(d.clockStartedAt).toBe('2024-05-20T15:00:00.000Z');
    expect(d.dueAt).toBe('2026-05-20T15:00:00.000Z');
    expect(d.reason).toContain('P2Y from the last activity');
  });

  it('financial-year-end: "current year + 6" counts from 31 March ending the year of the first event', () => {
    const d = retentionDue(life({ firstAt: '2024-06-01T10:00:00.000Z', lastAt: '2024-06-01T10:00:00.000Z' }), rule('P6Y', 'financial-year-end'));
    expect(d.clockStartedAt).toBe('2025-03-31T22:59:59.999Z');
    expect(d.dueAt).toBe('2031-03-31T22:59:59.999Z');
    expect(d.reason).toContain('P6Y from the end of the financial year');
  });

  it('financial-year-end: a payment on 31 March and one on 1 April are a year apart', () => {
    const march = retentionDue(life({ firstAt: '2024-03-31T10:00:00.000Z' }), rule('P6Y', 'financial-year-end'));
    const april = retentionDue(life({ firstAt: '2024-04-01T10:00:00.000Z' }), rule('P6Y', 'financial-year-end'));
    expect(march.dueAt).toBe('2030-03-31T22:59:59.999Z');
    expect(april.dueAt).toBe('2031-03-31T22:59:59.999Z');
  });
});
