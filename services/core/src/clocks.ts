import { addDuration } from '@custodian/workflows';
import type { AdvanceableClock, Clock } from './ports';

export class SystemClock implements Clock {
  readonly simulated = false;
  now(): Date {
    return new Date();
  }
}

/**
 * Time = real time + an offset that only moves forward. The offset is handed to `persist` so a
 * restarted demo keeps its simulated date. `frozen` stops real time passing (deterministic tests).
 */
export class SimulatedClock implements AdvanceableClock {
  readonly simulated = true;
  private offsetMs: number;
  private readonly frozenAt: number | null;
  constructor(opts: { offsetMs?: number; frozenAt?: Date; persist?: (offsetMs: number) => void } = {}) {
    this.offsetMs = opts.offsetMs ?? 0;
    this.frozenAt = opts.frozenAt ? opts.frozenAt.getTime() : null;
    this.persist = opts.persist;
  }
  private readonly persist: ((offsetMs: number) => void) | undefined;
  now(): Date {
    return new Date((this.frozenAt ?? Date.now()) + this.offsetMs);
  }
  advance(isoDuration: string): Date {
    const now = this.now();
    const next = new Date(addDuration(now.toISOString(), isoDuration));
    if (next.getTime() < now.getTime()) throw new RangeError(`the simulated clock only moves forward; ${isoDuration} would move it back`);
    this.offsetMs += next.getTime() - now.getTime();
    this.persist?.(this.offsetMs);
    return this.now();
  }
  get offset(): number {
    return this.offsetMs;
  }
}

export function isAdvanceable(c: Clock): c is AdvanceableClock {
  return c.simulated && typeof (c as AdvanceableClock).advance === 'function';
}
