import type { Span } from '@opentelemetry/api';
import { applyEvent, type RecordState } from '@custodian/workflows';
import type { PolicyBook } from './policy-packs';
import type { AuditInput, Clock, EventBus, Registry, StoredEvent } from './ports';
import { batchPlacement, inSpan, sole } from './tracing';

export const LIFECYCLE_GROUP = 'lifecycle';
const NONE: ReadonlySet<string> = new Set();

/**
 * Consumes the log and keeps the registry: one record per controller + category + the council
 * system's reference. At-least-once: records are saved before the offset is committed, and the
 * brain ignores offsets it has already applied, so a crash between the two has no second effect.
 */
export class Projector {
  constructor(
    private readonly d: {
      clock: Clock;
      book: PolicyBook;
      /** only step() reads it: the embedded log */
      bus: Pick<EventBus, 'poll' | 'commit'>;
      registry: Registry;
      /**
       * takes a late event's sealed copy out of a log that can rewrite itself (the embedded one);
       * Kafka topics cannot, and their retention, shorter than any category's, removes it
       */
      purge?: (recordIds: string[]) => Promise<unknown>;
      /** records erased on request: their events are never applied again (a replay, a restore) */
      erased?: { get(): Promise<ReadonlySet<string>> };
    },
    private readonly group = LIFECYCLE_GROUP,
    private readonly batch = 5_000,
  ) {}

  /** applies one batch from the embedded log; returns how many events it consumed */
  async step(): Promise<number> {
    const events = await this.d.bus.poll(this.group, this.batch, { withSealed: false });
    if (!events.length) return 0;
    await this.handle(events);
    await this.d.bus.commit(this.group, events[events.length - 1]!.offset!);
    return events.length;
  }

  /**
   * Registers what a batch of events says, in one registry unit. Both runtimes call this: the
   * embedded log through step(), Kafka through a subscription that commits after it resolves.
   */
  handle(events: StoredEvent[]): Promise<void> {
    // under a Kafka consumer span: its child; from the embedded log's poll loop: the publishing trace's
    const { parent, links } = batchPlacement(events.map((e) => e.trace));
    const controller = sole(events.map((e) => e.controller));
    const attributes = { 'custodian.events.count': events.length, ...(controller ? { 'custodian.controller': controller } : {}) };
    return inSpan('custodian.project', { parent, links, attributes }, (span) => this.registerBatch(events, span));
  }

  private async registerBatch(events: StoredEvent[], span: Span): Promise<void> {
    const now = this.d.clock.now().toISOString();
    const prev = await this.d.registry.get([...new Set(events.map((e) => e.recordId))]);
    const changed = new Map<string, RecordState>();
    const audit: AuditInput[] = [];
    const purge = new Set<string>();
    const erased = this.d.erased ? await this.d.erased.get() : NONE;
    for (const e of events) {
      if (erased.has(e.recordId)) {
        // the erasure journal outranks the log: nothing of an erased record is registered again
        if (!prev.get(e.recordId) || prev.get(e.recordId)!.status !== 'disposed') purge.add(e.recordId);
        continue;
      }
      this.apply(e, prev, changed, audit, purge);
    }
    span.setAttribute('custodian.records.changed', changed.size);
    await this.d.registry.save([...changed.values()], audit, now);
    // a late event for a record already disposed brought personal data back into the log: take it out again
    if (purge.size) await this.d.purge?.([...purge]);
  }

  async drain(): Promise<number> {
    let n = 0;
    for (let k = await this.step(); k > 0; k = await this.step()) n += k;
    return n;
  }

  private apply(e: StoredEvent, prev: Map<string, RecordState>, changed: Map<string, RecordState>, audit: AuditInput[], purge: Set<string>) {
    const loaded = this.d.book.pack(e.controller);
    const category = this.d.book.category(e.controller, e.category);
    const current = changed.get(e.recordId) ?? prev.get(e.recordId);
    if (!loaded || !category) {
      audit.push({
        actor: 'lifecycle',
        action: 'event.not-applied',
        target: { kind: 'event', id: e.eventId },
        reason: `no policy for ${e.controller}/${e.category} is loaded any more; the event stays in the log`,
      });
      return;
    }
    const decision = applyEvent(current, { ...e, offset: e.offset! }, { packId: loaded.pack.id, packVersion: loaded.pack.version, category });
    if (decision.kind === 'ignored') {
      if (current && current.status !== 'active' && e.offset! > current.lastOffset) {
        purge.add(e.recordId);
        audit.push({ actor: 'lifecycle', action: 'event.ignored', target: { kind: 'record', id: e.recordId }, reason: `${decision.reason}; its sealed copy is purged from the log`, policyVersion: current.policyVersion, details: { eventId: e.eventId } });
      }
      return;
    }
    const r = decision.record;
    r.id = e.recordId;
    changed.set(r.id, r);
    if (decision.kind === 'registered') {
      audit.push({
        actor: 'lifecycle',
        action: 'record.registered',
        target: { kind: 'record', id: r.id },
        reason: r.dueReason,
        policyVersion: r.policyVersion,
        details: { controller: r.controller, category: r.category, subjectRef: r.subjectRef, lawfulBasis: r.lawfulBasis, dueAt: r.dueAt, eventId: e.eventId, stores: r.locations.map((l) => l.store) },
      });
    } else if (decision.dueChanged) {
      audit.push({
        actor: 'lifecycle',
        action: 'record.due-changed',
        target: { kind: 'record', id: r.id },
        reason: r.dueReason,
        policyVersion: r.policyVersion,
        details: { dueAt: r.dueAt, eventId: e.eventId, type: e.type },
      });
    }
  }
}
