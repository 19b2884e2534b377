import fc from 'fast-check';
import { isNonWorkingDay } from './bank-holidays';
import { ClockRuleError, deadline, extendClock, londonDate, pauseClock, readClock, resumeClock, sameDateMonthsLater, type StatutoryClock } from './statutory-clock';

const clock = (receivedOn: string): StatutoryClock => ({ receivedOn, pauses: [], extension: null });

describe('the one-month deadline', () => {
  it('is the same date next month, the day of receipt being day 1', () => {
    expect(deadline(clock('2026-03-10'), '2026-03-10').dueOn).toBe('2026-04-10');
  });
  it('is the last day of next month when it has no such date', () => {
    expect(sameDateMonthsLater('2026-01-31', 1)).toBe('2026-02-28');
    expect(sameDateMonthsLater('2028-01-30', 1)).toBe('2028-02-29');
    expect(deadline(clock('2026-01-31'), '2026-01-31').because[0]).toMatch(/last day of that month/);
  });
  it('moves to the next working day from a weekend', () => {
    // 2026-04-04 is a Saturday; Monday 6 April is Easter Monday: Tuesday 7 April
    const d = deadline(clock('2026-03-04'), '2026-03-04');
    expect(d.dueOn).toBe('2026-04-07');
    expect(d.because.at(-1)).toBe('2026-04-04 is a weekend or bank holiday: due the next working day, 2026-04-07.');
  });
  it('moves over Christmas and the Boxing Day substitute', () => {
    expect(deadline(clock('2026-11-25'), '2026-11-25').dueOn).toBe('2026-12-29');
  });
  it('property: the deadline is a working day, at least 28 days and at most a month and a week after receipt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3650 }), (n) => {
        const received = new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
        const due = deadline(clock(received), received).dueOn;
        const days = (Date.parse(due) - Date.parse(received)) / 86_400_000;
        return !isNonWorkingDay(due) && days >= 28 && days <= 31 + 7;
      }),
    );
  });
});

describe('pauses', () => {
  it('the clock stands still while the council waits for identity, and shows as paused', () => {
    let c = pauseClock(clock('2026-03-02'), 'identity', '2026-03-02');
    expect(readClock(c, '2026-03-10')).toMatchObject({ state: 'paused', pausedDays: 8 });
    c = resumeClock(c, '2026-03-12');
    const r = readClock(c, '2026-03-12');
    // 2 April + 10 days = 12 April (a Sunday) → Monday 13 April
    expect(r).toMatchObject({ dueOn: '2026-04-13', state: 'running', pausedDays: 10 });
    expect(r.because.join(' ')).toMatch(/stood still 10 day\(s\) while waiting \(identity from 2026-03-02 to 2026-03-12\)/);
  });
  it('refuses a second pause while one is open, and a resume with none', () => {
    const c = pauseClock(clock('2026-03-02'), 'fee', '2026-03-03');
    expect(() => pauseClock(c, 'identity', '2026-03-04')).toThrow(ClockRuleError);
    expect(() => resumeClock(clock('2026-03-02'), '2026-03-04')).toThrow(/not paused/);
  });
});

describe('extensions', () => {
  it('add up to two months when notified within the first month', () => {
    const c = extendClock(clock('2026-03-10'), 2, 'complex: records in five systems', '2026-03-20');
    // one month and two further months
    expect(deadline(c, '2026-03-20').dueOn).toBe('2026-06-10');
    // one further month: 10 May 2026 is a Sunday
    expect(deadline(extendClock(clock('2026-03-10'), 1, 'complex', '2026-03-20'), '2026-03-20').dueOn).toBe('2026-05-11');
  });
  it('are refused after the first month, and twice', () => {
    expect(() => extendClock(clock('2026-03-10'), 2, 'late', '2026-04-13')).toThrow(/within the first month \(by 2026-04-10\)/);
    const c = extendClock(clock('2026-03-10'), 1, 'complex', '2026-03-12');
    expect(() => extendClock(c, 1, 'again', '2026-03-06')).toThrow(/already extended/);
  });
});

describe('states', () => {
  it('running, due soon within a week, overdue after the deadline', () => {
    const c = clock('2026-03-10');
    expect(readClock(c, '2026-03-17').state).toBe('running');
    expect(readClock(c, '2026-04-06')).toMatchObject({ state: 'due-soon', daysLeft: 4 });
    expect(readClock(c, '2026-04-11')).toMatchObject({ state: 'overdue', daysLeft: -1 });
  });
});

describe('londonDate', () => {
  it('is the UK calendar date: late evening UTC in summer is the next day in London', () => {
    expect(londonDate('2026-07-01T23:30:00Z')).toBe('2026-07-02');
    expect(londonDate('2026-01-01T23:30:00Z')).toBe('2026-01-01');
    expect(londonDate('2026-03-29T00:59:00Z')).toBe('2026-03-29');
    expect(londonDate('2026-10-24T23:30:00Z')).toBe('2026-10-25');
    expect(londonDate('2026-10-25T23:30:00Z')).toBe('2026-10-25');
  });
});
