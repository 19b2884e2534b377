import fc from 'fast-check';
import { addDuration, financialYearEnd, toUtcIso } from './duration';

describe('addDuration', () => {
  it('adds days, months and years in UTC and returns ISO with milliseconds', () => {
    expect(addDuration('2024-01-01T00:00:00Z', 'P40D')).toBe('2024-02-10T00:00:00.000Z');
    expect(addDuration('2024-03-15T10:20:30.456Z', 'P2Y')).toBe('2026-03-15T10:20:30.456Z');
    expect(addDuration('2024-01-01T00:00:00Z', 'P6M')).toBe('2024-07-01T00:00:00.000Z');
    expect(addDuration('2024-01-01T00:00:00Z', 'P2W')).toBe('2024-01-15T00:00:00.000Z');
  });

  it('P40D is forty whole days even across the clocks going forward in the UK', () => {
    // 31 March 2024 is the first day of BST; UTC arithmetic must not lose an hour
    expect(addDuration('2024-03-01T12:00:00Z', 'P40D')).toBe('2024-04-10T12:00:00.000Z');
  });

  it('P7Y from 29 February lands on 28 February', () => {
    expect(addDuration('2024-02-29T09:00:00Z', 'P7Y')).toBe('2031-02-28T09:00:00.000Z');
    // and P4Y lands on the next 29 February
    expect(addDuration('2024-02-29T09:00:00Z', 'P4Y')).toBe('2028-02-29T09:00:00.000Z');
  });

  it('P1M from 31 January lands on the last day of February', () => {
    expect(addDuration('2023-01-31T00:00:00Z', 'P1M')).toBe('2023-02-28T00:00:00.000Z');
    expect(addDuration('2024-01-31T00:00:00Z', 'P1M')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('accepts an input with an offset and answers in UTC', () => {
    expect(addDuration('2024-06-01T09:30:00+01:00', 'P40D')).toBe('2024-07-11T08:30:00.000Z');
    expect(addDuration('2024-06-01T00:30:00+05:30', 'P1D')).toBe('2024-06-01T19:00:00.000Z');
  });

  it.each(['forty days', '', '40D', 'p40d', 'P40X'])('rejects the invalid duration %p', (d) => {
    expect(() => addDuration('2024-01-01T00:00:00Z', d)).toThrow(/invalid ISO 8601 duration/);
  });

  it.each(['yesterday', '', '2024-13-01T00:00:00Z', '2024-02-30T00:00:00Z', '31/01/2024'])('rejects the invalid date-time %p', (at) => {
    expect(() => addDuration(at, 'P1D')).toThrow(/invalid ISO 8601 date-time/);
  });

  it('is monotonic: a later start never gives an earlier end (property)', () => {
    const when = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true });
    const dur = fc.constantFrom('P40D', 'P3M', 'P6M', 'P1Y', 'P2Y', 'P6Y', 'P7Y', 'P1M');
    fc.assert(
      fc.property(when, when, dur, (a, b, d) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const x = addDuration(lo.toISOString(), d);
        const y = addDuration(hi.toISOString(), d);
        expect(x <= y).toBe(true);
        expect(Date.parse(x)).toBeGreaterThan(lo.getTime());
      }),
    );
  });
});

describe('calendar lengths', () => {
  it('measures calendar durations from a start', () => {
    const ms = (d: string, from: string) => Date.parse(addDuration(from, d)) - Date.parse(from);
    expect(ms('P40D', '2024-01-01T00:00:00Z')).toBe(40 * 86_400_000);
    expect(ms('P1M', '2023-02-01T00:00:00Z')).toBe(28 * 86_400_000);
    expect(ms('P1M', '2024-02-01T00:00:00Z')).toBe(29 * 86_400_000);
    expect(ms('P1Y', '2024-01-01T00:00:00Z')).toBe(366 * 86_400_000);
  });
});

describe('toUtcIso', () => {
  it('normalises offsets to UTC with milliseconds', () => {
    expect(toUtcIso('2024-06-01T09:30:00+01:00')).toBe('2024-06-01T08:30:00.000Z');
    expect(toUtcIso('2024-06-01T08:30:00Z')).toBe('2024-06-01T08:30:00.000Z');
    expect(toUtcIso('2024-06-01T03:30:00-05:00')).toBe('2024-06-01T08:30:00.000Z');
    expect(toUtcIso('2024-01-01T00:30:00.5+01:00')).toBe('2023-12-31T23:30:00.500Z');
  });

  it('rejects what is not a date-time', () => {
    expect(() => toUtcIso('not a date')).toThrow(/invalid ISO 8601 date-time/);
    expect(() => toUtcIso('2024-02-30T00:00:00Z')).toThrow(/invalid ISO 8601 date-time/);
  });

  it('normalised strings compare in time order whatever the offsets (property)', () => {
    const inst = fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2090-01-01T00:00:00Z') });
    const offsetMin = fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15);
    const withOffset = (ms: number, off: number) => {
      const local = new Date(ms + off * 60_000).toISOString().slice(0, 23);
      const sign = off < 0 ? '-' : '+';
      const a = Math.abs(off);
      return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
    };
    fc.assert(
      fc.property(inst, offsetMin, inst, offsetMin, (a, oa, b, ob) => {
        const x = toUtcIso(withOffset(a, oa));
        const y = toUtcIso(withOffset(b, ob));
        expect(Date.parse(x)).toBe(a);
        expect(Math.sign(x.localeCompare(y))).toBe(Math.sign(a - b));
        expect(x < y).toBe(a < b);
      }),
    );
  });
});

describe('financialYearEnd (UK, Europe/London)', () => {
  // 31 March is always in BST (it starts on the last Sunday of March), so 23:59:59.999 London is 22:59:59.999Z
  it('31 March belongs to the financial year ending that day', () => {
    expect(financialYearEnd('2024-03-31T12:00:00Z')).toBe('2024-03-31T22:59:59.999Z');
    expect(financialYearEnd('2024-03-31T22:30:00Z')).toBe('2024-03-31T22:59:59.999Z'); // 23:30 in London
  });

  it('1 April starts the next financial year, judged in London time (BST)', () => {
    expect(financialYearEnd('2024-04-01T00:00:00+01:00')).toBe('2025-03-31T22:59:59.999Z');
    // 23:30 UTC on 31 March is already 00:30 on 1 April in London
    expect(financialYearEnd('2024-03-31T23:30:00Z')).toBe('2025-03-31T22:59:59.999Z');
    expect(financialYearEnd('2024-04-01T12:00:00Z')).toBe('2025-03-31T22:59:59.999Z');
  });

  it('January to March end the same calendar year, April to December the next', () => {
    expect(financialYearEnd('2025-01-15T10:00:00Z')).toBe('2025-03-31T22:59:59.999Z');
    expect(financialYearEnd('2024-12-31T23:59:59Z')).toBe('2025-03-31T22:59:59.999Z');
    expect(financialYearEnd('2024-06-01T10:00:00Z')).toBe('2025-03-31T22:59:59.999Z');
  });

  it('rejects what is not a date-time', () => {
    expect(() => financialYearEnd('garbage')).toThrow();
  });

  it('is never before the instant it is asked about, and less than a year after it (property)', () => {
    const inst = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2080-01-01T00:00:00Z') });
    fc.assert(
      fc.property(inst, (ms) => {
        const end = Date.parse(financialYearEnd(new Date(ms).toISOString()));
        expect(end).toBeGreaterThanOrEqual(ms);
        expect(end - ms).toBeLessThan(366 * 86_400_000);
      }),
    );
  });
});

describe('agreement with luxon (the reference the hand-written arithmetic replaced)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DateTime, Duration } = require('luxon') as typeof import('luxon');
  it('addDuration gives luxon’s answer for any instant and Y/M/W/D/H duration (property)', () => {
    const inst = fc.integer({ min: Date.parse('1970-01-01T00:00:00Z'), max: Date.parse('2099-12-31T23:59:59Z') });
    const part = (u: string, max: number) => fc.option(fc.integer({ min: 0, max }).map((n) => `${n}${u}`), { nil: '' });
    const dur = fc.tuple(part('Y', 120), part('M', 40), part('W', 60), part('D', 400), part('H', 48)).map(([y, m, w, d, h]) => `P${y}${m}${w}${d}${h ? `T${h}` : ''}`).filter((d) => d !== 'P');
    fc.assert(
      fc.property(inst, dur, (ms, d) => {
        const at = new Date(ms).toISOString();
        const expected = DateTime.fromISO(at, { zone: 'utc' }).plus(Duration.fromISO(d)).toUTC().toISO();
        expect(addDuration(at, d)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });
});
