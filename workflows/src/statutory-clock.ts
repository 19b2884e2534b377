import { isNonWorkingDay } from './bank-holidays';

/**
 * The statutory clock of a subject-rights request (UK GDPR Art 12(3), ICO guidance, Data (Use and
 * Access) Act 2025): one month, the day of receipt being day 1, due on the same date of the next
 * month or that month's last day if there is none; a deadline on a weekend or bank holiday moves to
 * the next working day; up to two further months for a complex request, notified within the first
 * month; the clock stands still while the council waits for identity, clarification or a fee.
 * All dates are UK calendar dates (YYYY-MM-DD, Europe/London).
 */

export type PauseReason = 'identity' | 'clarification' | 'fee';

export interface ClockPause {
  reason: PauseReason;
  /** the day the council asked (the clock stands still from this day) */
  from: string;
  /** the day the answer came (the clock runs again from this day); null while waiting */
  to: string | null;
}

export interface StatutoryClock {
  receivedOn: string;
  pauses: ClockPause[];
  extension: null | { months: 1 | 2; notifiedOn: string; reason: string };
}

export type ClockState = 'running' | 'paused' | 'due-soon' | 'overdue';

export interface ClockReading {
  dueOn: string;
  state: ClockState;
  /** working-day-blind calendar days until the deadline (negative once overdue) */
  daysLeft: number;
  pausedDays: number;
  /** each step of the calculation, for the DPO */
  because: string[];
}

export class ClockRuleError extends Error {}

const DAY = 86_400_000;
const at = (dateOn: string) => Date.parse(`${dateOn}T00:00:00Z`);
const onOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (dateOn: string, n: number) => onOf(at(dateOn) + n * DAY);
const daysBetween = (from: string, to: string) => Math.round((at(to) - at(from)) / DAY);

/** the UK calendar date of an instant: British Summer Time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October */
export function londonDate(instantIso: string): string {
  const t = Date.parse(instantIso);
  if (Number.isNaN(t)) throw new ClockRuleError(`not a date-time: ${instantIso}`);
  const y = new Date(t).getUTCFullYear();
  const lastSunday = (m: number) => {
    const last = new Date(Date.UTC(y, m + 1, 0));
    return Date.UTC(y, m, last.getUTCDate() - last.getUTCDay(), 1);
  };
  const bst = t >= lastSunday(2) && t < lastSunday(9);
  return onOf(t + (bst ? 3_600_000 : 0));
}

/** the same date `months` later, or that month's last day when it has no such date */
export function sameDateMonthsLater(dateOn: string, months: number): string {
  const [y, m, d] = dateOn.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return onOf(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, last)));
}

function pausedDays(c: StatutoryClock, todayOn: string): number {
  return c.pauses.reduce((n, p) => n + Math.max(0, daysBetween(p.from, p.to ?? todayOn)), 0);
}

/** the deadline a running clock would have today (an open pause counts up to today) */
export function deadline(c: StatutoryClock, todayOn: string): { dueOn: string; because: string[] } {
  const months = 1 + (c.extension?.months ?? 0);
  const base = sameDateMonthsLater(c.receivedOn, months);
  const because = [`Received ${c.receivedOn} (day 1): due ${base}, ${months === 1 ? 'one month' : `${months} months`} later${base.slice(8) !== c.receivedOn.slice(8) ? ' (the last day of that month: it has no such date)' : ''}.`];
  if (c.extension) because.push(`Extended by ${c.extension.months} month(s), notified ${c.extension.notifiedOn}: ${c.extension.reason}.`);
  const paused = pausedDays(c, todayOn);
  let due = addDays(base, paused);
  if (paused) because.push(`The clock stood still ${paused} day(s) while waiting (${c.pauses.map((p) => `${p.reason} from ${p.from}${p.to ? ` to ${p.to}` : ', still waiting'}`).join('; ')}): ${due}.`);
  const first = due;
  while (isNonWorkingDay(due)) due = addDays(due, 1);
  if (due !== first) because.push(`${first} is a weekend or bank holiday: due the next working day, ${due}.`);
  return { dueOn: due, because };
}

export function readClock(c: StatutoryClock, todayOn: string, dueSoonDays = 7): ClockReading {
  const { dueOn, because } = deadline(c, todayOn);
  const daysLeft = daysBetween(todayOn, dueOn);
  const waiting = c.pauses.some((p) => p.to === null);
  const state: ClockState = waiting ? 'paused' : daysLeft < 0 ? 'overdue' : daysLeft <= dueSoonDays ? 'due-soon' : 'running';
  return { dueOn, state, daysLeft, pausedDays: pausedDays(c, todayOn), because };
}

export function pauseClock(c: StatutoryClock, reason: PauseReason, todayOn: string): StatutoryClock {
  if (c.pauses.some((p) => p.to === null)) throw new ClockRuleError('the clock is already paused; resume it first');
  if (todayOn < c.receivedOn) throw new ClockRuleError(`cannot pause before the request was received (${c.receivedOn})`);
  return { ...c, pauses: [...c.pauses, { reason, from: todayOn, to: null }] };
}

export function resumeClock(c: StatutoryClock, todayOn: string): StatutoryClock {
  const open = c.pauses.findIndex((p) => p.to === null);
  if (open < 0) throw new ClockRuleError('the clock is not paused');
  if (todayOn < c.pauses[open]!.from) throw new ClockRuleError('cannot resume before the pause began');
  return { ...c, pauses: c.pauses.map((p, i) => (i === open ? { ...p, to: todayOn } : p)) };
}

/** an extension must be notified within the first month (its unextended deadline), once, by at most two months */
export function extendClock(c: StatutoryClock, months: 1 | 2, reason: string, todayOn: string): StatutoryClock {
  if (c.extension) throw new ClockRuleError(`already extended on ${c.extension.notifiedOn}`);
  const firstMonth = deadline({ ...c, extension: null }, todayOn).dueOn;
  if (todayOn > firstMonth) throw new ClockRuleError(`an extension must be notified within the first month (by ${firstMonth}); it is ${todayOn}`);
  return { ...c, extension: { months, notifiedOn: todayOn, reason } };
}
