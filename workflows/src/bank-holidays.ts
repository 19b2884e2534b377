/**
 * England and Wales bank holidays (the five seed councils are English), computed rather than listed so
 * a statutory clock never runs off the end of a table: the Banking and Financial Dealings Act 1971
 * pattern (New Year's Day, Good Friday, Easter Monday, first and last Mondays of May, last Monday of
 * August, Christmas and Boxing Day, each moved to the next weekday when it falls at a weekend), plus
 * the one-off changes proclaimed since 2020. Checked against gov.uk/bank-holidays for 2020–2030.
 */

/** proclamations that moved or added a holiday: date → what the pattern would have had instead (null: an extra day) */
const ONE_OFF: Record<number, { add: string[]; remove: string[] }> = {
  2020: { add: ['2020-05-08'], remove: ['2020-05-04'] }, // VE Day 75: early May holiday moved to Friday
  2022: { add: ['2022-06-02', '2022-06-03', '2022-09-19'], remove: ['2022-05-30'] }, // Platinum Jubilee; the Queen's funeral
  2023: { add: ['2023-05-08'], remove: [] }, // the coronation
};

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay();

/** Easter Sunday, anonymous Gregorian algorithm */
function easter(y: number): { m: number; d: number } {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { m: month, d: ((h + l - 7 * m + 114) % 31) + 1 };
}

function shiftDays(y: number, m: number, d: number, by: number): string {
  const t = new Date(Date.UTC(y, m - 1, d + by));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

const firstMonday = (y: number, m: number) => 1 + ((8 - weekday(y, m, 1)) % 7);
const lastMonday = (y: number, m: number) => {
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return last - ((weekday(y, m, last) + 6) % 7);
};

const cache = new Map<number, Set<string>>();

export function bankHolidays(year: number): Set<string> {
  const hit = cache.get(year);
  if (hit) return hit;
  const out = new Set<string>();
  // New Year's Day: Saturday or Sunday moves to Monday
  const ny = weekday(year, 1, 1);
  out.add(iso(year, 1, ny === 6 ? 3 : ny === 0 ? 2 : 1));
  const e = easter(year);
  out.add(shiftDays(year, e.m, e.d, -2));
  out.add(shiftDays(year, e.m, e.d, 1));
  out.add(iso(year, 5, firstMonday(year, 5)));
  out.add(iso(year, 5, lastMonday(year, 5)));
  out.add(iso(year, 8, lastMonday(year, 8)));
  // Christmas and Boxing Day: a weekend day moves to the next weekday not already a holiday
  const xmas = weekday(year, 12, 25);
  if (xmas === 5) out.add(iso(year, 12, 25)).add(iso(year, 12, 28)); // Fri, Sat → Mon 28
  else if (xmas === 6) out.add(iso(year, 12, 27)).add(iso(year, 12, 28)); // Sat, Sun → Mon 27, Tue 28
  else if (xmas === 0) out.add(iso(year, 12, 26)).add(iso(year, 12, 27)); // Sun, Mon → Mon 26, Tue 27
  else out.add(iso(year, 12, 25)).add(iso(year, 12, 26));
  const special = ONE_OFF[year];
  if (special) {
    for (const d of special.remove) out.delete(d);
    for (const d of special.add) out.add(d);
  }
  cache.set(year, out);
  return out;
}

/** a date (YYYY-MM-DD) on which a council office is closed: a weekend or an England and Wales bank holiday */
export function isNonWorkingDay(dateOn: string): boolean {
  const [y, m, d] = dateOn.split('-').map(Number) as [number, number, number];
  const wd = weekday(y, m, d);
  return wd === 0 || wd === 6 || bankHolidays(y).has(dateOn);
}
