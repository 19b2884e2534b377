import { DateTime, Duration } from 'luxon';

/** Calendar addition in UTC: P7Y from 29 Feb lands on 28 Feb, P1M from 31 Jan on 28/29 Feb. */
export function addDuration(atIso: string, isoDuration: string): string {
  const d = Duration.fromISO(isoDuration);
  if (!d.isValid) throw new Error(`invalid ISO 8601 duration: ${isoDuration}`);
  const t = DateTime.fromISO(atIso, { zone: 'utc' });
  if (!t.isValid) throw new Error(`invalid ISO 8601 date-time: ${atIso}`);
  return t.plus(d).toUTC().toISO({ suppressMilliseconds: false })!;
}

export function durationMs(isoDuration: string, fromIso: string): number {
  return Date.parse(addDuration(fromIso, isoDuration)) - Date.parse(fromIso);
}

/** Normalises any ISO date-time (with offset) to UTC ISO with milliseconds, so strings compare in time order. */
export function toUtcIso(atIso: string): string {
  const t = DateTime.fromISO(atIso, { setZone: true });
  if (!t.isValid) throw new Error(`invalid ISO 8601 date-time: ${atIso}`);
  return t.toUTC().toISO()!;
}

/** 31 March 23:59:59.999 (Europe/London) ending the UK financial year that contains `atIso`. */
export function financialYearEnd(atIso: string): string {
  const t = DateTime.fromISO(atIso, { zone: 'Europe/London' });
  const endYear = t.month >= 4 ? t.year + 1 : t.year;
  return DateTime.fromObject({ year: endYear, month: 3, day: 31 }, { zone: 'Europe/London' }).endOf('day').toUTC().toISO()!;
}
