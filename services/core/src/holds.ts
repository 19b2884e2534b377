import type { PlaceHoldRequest, ReviewHoldRequest } from '@custodian/contracts';
import { HOLD_REASON_NAMES } from '@custodian/contracts';
import { describeScope, holdsOn, newHold, reviewHold, reviewState, type Hold, type ReviewState } from '@custodian/workflows';
import { newId } from './ingest';
import { NotFoundError, UnsupportedRequestError } from './platform';
import type { AuditInput, Clock, DeletionTask, DeletionTasks, HoldStore, Registry } from './ports';
import type { PolicyBook } from './policy-packs';

/** a hold as the API shows it: with where its review stands now */
export interface HoldView extends Hold {
  review: ReviewState;
}

/** what lifting a hold changed: records that may be disposed again and deletions resumed */
export interface LiftOutcome {
  recordsUnheld: number;
  tasksResumed: number;
}

/** the sweep reads every open hold each round; a council with more than this has a problem to look at */
export const MAX_OPEN_HOLDS = 10_000;

export interface HoldDeps {
  clock: Clock;
  book: PolicyBook;
  holds: HoldStore;
  registry: Registry;
  tasks: DeletionTasks;
}

/** every open hold, for the brain's decisions */
export async function openHolds(holds: Pick<HoldStore, 'list'>): Promise<Hold[]> {
  return holds.list({ status: 'active', limit: MAX_OPEN_HOLDS });
}

/**
 * Placing, reviewing and releasing legal holds. Placing changes no record: the sweep asks the brain
 * about every due record with the open holds in hand. Releasing re-decides the records a sweep held
 * and resumes paused deletions, so the next sweep disposes what is no longer held.
 */
export class HoldService {
  constructor(private readonly d: HoldDeps) {}

  private view(h: Hold): HoldView {
    return { ...h, review: reviewState(h, this.d.clock.now().toISOString()) };
  }

  private check(req: PlaceHoldRequest) {
    if (!this.d.book.packs.some((p) => p.pack.id === req.controller)) throw new UnsupportedRequestError(`no policy pack for council "${req.controller}": holds are placed for a council Custodian serves`);
    if (req.scope.kind === 'category' && !this.d.book.category(req.controller, req.scope.category)) {
      throw new UnsupportedRequestError(`${req.controller} does not hold ${req.scope.category} records (see its policy pack)`);
    }
  }

  async place(req: PlaceHoldRequest, actor: string): Promise<HoldView> {
    this.check(req);
    const now = this.d.clock.now().toISOString();
    const hold = newHold({ id: newId('hold'), ...req }, actor, now);
    await this.d.holds.save(hold, [this.audit(hold, actor, 'hold.placed', `placed for ${HOLD_REASON_NAMES[hold.reason]} on ${describeScope(hold.scope)}; review every ${hold.reviewEvery}`)], now);
    return this.view(hold);
  }

  /** a dry run: how many records the hold would cover now, placing nothing */
  async dryRun(req: PlaceHoldRequest): Promise<{ records: number }> {
    this.check(req);
    return { records: await this.d.registry.countCovered(req.controller, req.scope) };
  }

  async list(q: { status?: Hold['status']; controller?: string; limit: number }): Promise<HoldView[]> {
    return (await this.d.holds.list(q)).map((h) => this.view(h));
  }

  async get(id: string): Promise<HoldView | undefined> {
    const h = await this.d.holds.get(id);
    return h && this.view(h);
  }

  /** a review keeps the hold (next review moves on) or releases it; the note stays with the hold, not in the audit log */
  async review(id: string, req: ReviewHoldRequest, actor: string): Promise<{ hold: HoldView; lifted: LiftOutcome | null }> {
    const h = await this.d.holds.get(id);
    if (!h) throw new NotFoundError(`no hold ${id}`);
    const now = this.d.clock.now().toISOString();
    const next = reviewHold(h, req, actor, now);
    const action = req.decision === 'release' ? 'hold.released' : 'hold.reviewed';
    const reason = req.decision === 'release' ? 'released on review: no longer needed' : `reviewed and kept; next review ${next.nextReviewAt}`;
    await this.d.holds.save(next, [this.audit(next, actor, action, reason)], now);
    const lifted = next.status === 'released' ? await this.lift(actor) : null;
    return { hold: this.view(next), lifted };
  }

  /**
   * Re-decides every record a sweep held and every paused deletion against the holds still open:
   * what no hold covers any more is active (or pending) again, for the next sweep to dispose.
   */
  async lift(actor: string): Promise<LiftOutcome> {
    const holds = await openHolds(this.d.holds);
    const now = this.d.clock.now().toISOString();
    let recordsUnheld = 0;
    for (let after: string | undefined; ; ) {
      const page = await this.d.registry.held(500, after);
      if (!page.length) break;
      after = page.at(-1)!.id;
      const changes = page.map((r) => ({ id: r.id, heldBy: holdsOn(r, holds).map((h) => h.id) })).filter((c, i) => c.heldBy.join() !== (page[i]!.heldBy ?? []).join());
      const audit: AuditInput[] = changes
        .filter((c) => !c.heldBy.length)
        .map((c) => ({ actor, action: 'record.hold-lifted', target: { kind: 'record', id: c.id }, reason: 'no open hold covers it any more: it is disposed at the next sweep' }));
      if (!changes.length) continue;
      const changed = new Set(await this.d.registry.setHeld(changes, audit, now));
      recordsUnheld += changes.filter((c) => !c.heldBy.length && changed.has(c.id)).length;
    }
    // deletions paused because a hold came after disposal began
    const disposing = await this.d.registry.disposing(10_000);
    const stillHeld = new Set(disposing.filter((r) => holdsOn(r, holds).length).map((r) => r.id));
    const paused = (await this.d.tasks.ofRecords(disposing.map((r) => r.id))).filter((t) => t.status === 'paused' && !stillHeld.has(t.recordId));
    if (paused.length) {
      const resumed: DeletionTask[] = paused.map((t) => ({ ...t, status: 'pending', nextAttemptAt: now }));
      await this.d.tasks.update(resumed, [{ actor, action: 'deletion.resumed', target: { kind: 'system', id: 'deletion-tasks' }, reason: 'no open hold covers their records any more', details: { tasks: resumed.length, records: new Set(resumed.map((t) => t.recordId)).size } }], now);
    }
    return { recordsUnheld, tasksResumed: paused.length };
  }

  private audit(h: Hold, actor: string, action: string, reason: string): AuditInput {
    return {
      actor,
      action,
      target: { kind: 'hold', id: h.id },
      reason,
      details: { controller: h.controller, scope: h.scope, reason: h.reason, reference: h.reference, reviewEvery: h.reviewEvery, nextReviewAt: h.nextReviewAt, revision: h.revision },
    };
  }
}
