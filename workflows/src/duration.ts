/**
 * Calendar arithmetic for retention, in UTC, by hand: luxon was a quarter of projection time and
 * retention needs only years, months, weeks and days (and, for tests and operators, hours to seconds).
 * Semantics match ISO 8601 / luxon: years and months first, clamped to the month's last day
 * (P7Y from 29 Feb lands on 28 Feb, P1M from 31 Jan on 28/29 Feb), then weeks, days and time.
 */

const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
// the shapes the contracts accept: a date-time with Z or an offset
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

interface Parts {
  years: number;
  months: number;
  days: number;
  ms: number;
}

const parsed = new Map<string, Parts>();

function parseDuration(d: string): Parts {
  const hit = parsed.get(d);
  if (hit) return hit;
  const m = DURATION.exec(d);
  if (!m) throw new Error(`invalid ISO 8601 duration: ${d}`);
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  const parts = { years: n(1), months: n(2), days: n(3) * 7 + n(4), ms: Math.round(((n(5) * 60 + n(6)) * 60 + n(7)) * 1000) };
  if (parsed.size < 1_000) parsed.set(d, parts);
  return parts;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

function parseInstant(atIso: string): number {
  const m = DATE_TIME.exec(atIso);
  // Date.parse rolls 30 February over into March: check the fields first
  const ok = m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= daysIn(Number(m[1]), Number(m[2]) - 1) && Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6] ?? 0) <= 59;
  const t = ok ? Date.parse(atIso) : NaN;
  if (Number.isNaN(t)) throw new Error(`invalid ISO 8601 date-time: ${atIso}`);
  return t;
}

export function addDuration(atIso: string, isoDuration: string): string {
  const p = parseDuration(isoDuration);
  const t = new Date(parseInstant(atIso));
  let year = t.getUTCFullYear() + p.years;
  let month = t.getUTCMonth() + p.months;
  year += Math.floor(month / 12);
  month %= 12;
  const day = Math.min(t.getUTCDate(), daysIn(year, month));
  const base = Date.UTC(year, month, day, t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds());
  return new Date(base + p.days * 86_400_000 + p.ms).toISOString();
}

/** Normalises any ISO date-time (with offset) to UTC ISO with milliseconds, so strings compare in time order. */
export function toUtcIso(atIso: string): string {
  return new Date(parseInstant(atIso)).toISOString();
}

/**
 * 31 March 23:59:59.999 Europe/London ending the UK financial year that contains `atIso`. British
 * Summer Time always covers 31 March (it starts on the last Sunday of March, at 01:00 UTC), so the
 * year ends at 22:59:59.999 UTC.
 */
export function financialYearEnd(atIso: string): string {
  const t = parseInstant(atIso);
  const end = (y: number) => Date.UTC(y, 2, 31, 22, 59, 59, 999);
  const y = new Date(t).getUTCFullYear();
  return new Date(t <= end(y) ? end(y) : end(y + 1)).toISOString();
}
