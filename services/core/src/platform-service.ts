import type { PlaceHoldRequest, ReviewHoldRequest } from '@custodian/contracts';
import { explainRecord, type Hold, type RecordState } from '@custodian/workflows';
import { HoldService, openHolds, type HoldView, type LiftOutcome } from './holds';
import { retryFailedDeletions, type RetryOutcome } from './operations';
import { RequestService, type ReceiveInput, type RequestView } from './subject-requests';
import { applyAcks, type AckResult } from './erasure-commands';
import { UnsupportedRequestError } from './platform';
import type { PauseReason, SubjectRequest } from '@custodian/workflows';
import { KeyShreddedError, type Sealer } from './crypto';
import { DisposalService } from './disposal';
import { IngestService } from './ingest';
import { ClockNotSimulatedError, NotFoundError, type DeadLetterView, type IngestResult, type Overview, type Platform, type RecordView, type ReplayReport, type SweepReport } from './platform';
import type { PolicyBook } from './policy-packs';
import { LIFECYCLE_GROUP, Projector } from './projector';
import { Serial } from './serial';
import { InProcessOrchestrator } from './in-process-orchestrator';
import { isAdvanceable } from './clocks';
import { ErasedRecords, reapplyErasureJournal, type RestoreOutcome } from './journal';
import type { ErasureJournal } from './ports';
import type { CommandOutbox, ErasureAck, ErasureCommand, HoldStore, RequestStore, KeyVault, Orchestrator, ProcessView, ApiTokens, IdempotencyKeys, AuditEntry, AuditLog, Clock, ConnectorDirectory, DeadLetter, DeadLetterStore, DeletionTasks, EventBus, Registry, SubjectIndex } from './ports';
import type { MasterKey } from './crypto';

export interface PlatformPorts {
  clock: Clock;
  book: PolicyBook;
  master: MasterKey;
  sealer: Sealer;
  bus: EventBus;
  subjects: SubjectIndex;
  registry: Registry;
  tasks: DeletionTasks;
  deadLetters: DeadLetterStore;
  audit: AuditLog;
  connectors: ConnectorDirectory;
  tokens: ApiTokens;
  holds: HoldStore;
  requests: RequestStore;
  vault: KeyVault;
  /** the erasure journal, kept apart from the other stores */
  journal: ErasureJournal;
  /** the processes that wait (sweeps now): in process unless given (Temporal) */
  orchestrator?: Orchestrator;
  /** the embedded runtime's outbox of erasure commands (the distributed one sends them to a topic) */
  commandOutbox?: CommandOutbox;
  /** where the log cannot deduplicate by itself (Kafka) */
  idempotency?: IdempotencyKeys;
}

/** The platform, written once over the ports; each runtime supplies adapters. */
export class PlatformService implements Platform {
  readonly clock: Clock;
  readonly tokens: ApiTokens;
  readonly ingestion: IngestService;
  readonly projector: Projector;
  readonly disposal: DisposalService;
  readonly orchestrator: Orchestrator;
  readonly holdService: HoldService;
  readonly requestService: RequestService;
  private readonly erased: ErasedRecords;
  private readonly lifecycle = new Serial();

  constructor(protected readonly p: PlatformPorts) {
    this.clock = p.clock;
    this.tokens = p.tokens;
    this.ingestion = new IngestService(p);
    this.erased = new ErasedRecords(p.journal);
    this.projector = new Projector({ ...p, purge: (ids) => p.bus.purgeRecords(ids), erased: this.erased });
    this.disposal = new DisposalService(p);
    this.holdService = new HoldService(p);
    this.requestService = new RequestService({ ...p, erased: this.erased });
    // the sweep and the projector both write records: one at a time
    this.orchestrator =
      p.orchestrator ??
      new InProcessOrchestrator(
        () =>
          this.lifecycle.run(async () => {
            const report = await this.disposal.sweep();
            // erasures whose deletions this sweep finished get their certificate
            await this.requestService.progress();
            return report;
          }),
        p.clock,
      );
  }

  ingest(raw: unknown[], actor: string): Promise<IngestResult[]> {
    return this.ingestion.ingest(raw, actor);
  }

  project(): Promise<number> {
    return this.lifecycle.run(() => this.projector.drain());
  }

  async record(id: string): Promise<RecordView | undefined> {
    const record = (await this.p.registry.get([id])).get(id);
    if (!record) return undefined;
    const [tasks, holds] = await Promise.all([this.p.tasks.ofRecords([id]), openHolds(this.p.holds)]);
    return { record, explanation: explainRecord(record, this.clock.now().toISOString(), holds), tasks };
  }

  placeHold(req: PlaceHoldRequest, actor: string): Promise<HoldView> {
    return this.holdService.place(req, actor);
  }

  dryRunHold(req: PlaceHoldRequest): Promise<{ records: number }> {
    return this.holdService.dryRun(req);
  }

  /** escalated deletions start again; the embedded runtime runs them at once, a distributed one at the next sweep or erasure round */
  async retryFailed(q: { controller?: string; store?: string; recordId?: string; dryRun: boolean }, actor: string): Promise<RetryOutcome> {
    const out = await this.lifecycle.run(() => retryFailedDeletions(this.p, q, actor));
    if (out.retried) await this.afterRelease();
    return out;
  }

  holds(q: { status?: Hold['status']; controller?: string; limit: number }): Promise<HoldView[]> {
    return this.holdService.list(q);
  }

  hold(id: string): Promise<HoldView | undefined> {
    return this.holdService.get(id);
  }

  async reviewHold(id: string, req: ReviewHoldRequest, actor: string): Promise<{ hold: HoldView; lifted: LiftOutcome | null }> {
    // a release re-decides records: one writer of records at a time
    const out = await this.lifecycle.run(() => this.holdService.review(id, req, actor));
    if (out.lifted && (out.lifted.recordsUnheld || out.lifted.tasksResumed)) await this.afterRelease();
    return out;
  }

  /** re-applies the erasure journal (after a restore): the embedded runtime does it on start */
  restoreErasures(actor = 'erasure-journal'): Promise<RestoreOutcome> {
    return this.lifecycle.run(() => reapplyErasureJournal({ ...this.p }, actor));
  }

  async receiveRequest(input: ReceiveInput, actor: string): Promise<RequestView> {
    const r = await this.lifecycle.run(() => this.requestService.receive(input, actor));
    if (r.status === 'in-progress') return this.afterErasureBegun(r.id);
    return r;
  }

  requests(q: { status?: SubjectRequest['status']; controller?: string; subjectRef?: string; limit: number }): Promise<RequestView[]> {
    return this.requestService.list(q);
  }

  request(id: string): Promise<RequestView | undefined> {
    return this.requestService.get(id);
  }

  async confirmIdentity(id: string, actor: string): Promise<RequestView> {
    const r = await this.lifecycle.run(() => this.requestService.confirmIdentity(id, actor));
    if (r.status === 'in-progress') return this.afterErasureBegun(r.id);
    return r;
  }

  /** the erasure commands a subscribed system has not acknowledged yet (embedded: it polls for them) */
  async erasureCommands(q: { controller: string; store: string; limit: number }): Promise<ErasureCommand[]> {
    if (!this.p.commandOutbox) throw new UnsupportedRequestError('erasure commands go to the erasure-command topic in this runtime; subscribe to it');
    return this.p.commandOutbox.pending(q);
  }

  /**
   * A subscribed system's acknowledgements: each finishes (or escalates) its deletion task; records
   * whose tasks are all done are disposed and erasures that waited on them complete.
   */
  async acknowledge(acks: ErasureAck[], actor: string): Promise<AckResult[]> {
    return this.lifecycle.run(async () => {
      // correction commands are a rectification's (rect_…); the rest finish deletion tasks
      const corrections = acks.filter((a) => a.commandId.startsWith('rect_'));
      const corrected = corrections.length ? await this.requestService.acknowledgeCorrections(corrections, actor) : [];
      const { results: deleted, touched } = await applyAcks(this.p, acks.filter((a) => !a.commandId.startsWith('rect_')), actor);
      const byId = new Map([...deleted, ...corrected].map((r) => [r.commandId, r]));
      const results = acks.map((a) => byId.get(a.commandId)!) as AckResult[];
      const now = this.clock.now().toISOString();
      if (touched.length) await this.disposal.completeFinished([...(await this.p.registry.get(touched)).values()], now);
      await this.requestService.progress();
      await this.p.commandOutbox?.acknowledged(results.filter((r) => r.status !== 'rejected').map((r) => r.commandId), now);
      return results;
    });
  }

  async liftRestriction(id: string, toldBy: string, actor: string): Promise<RequestView> {
    const r = await this.lifecycle.run(() => this.requestService.liftRestriction(id, toldBy, actor));
    await this.afterRelease();
    return r;
  }

  async decideObjection(id: string, decision: { upheld: boolean; reason: string }, actor: string): Promise<RequestView> {
    const r = await this.lifecycle.run(() => this.requestService.decideObjection(id, decision, actor));
    if (r.status === 'in-progress') return this.afterErasureBegun(r.id);
    return r;
  }

  accessPackage(id: string) {
    return this.requestService.accessPackage(id);
  }

  async completeRequest(id: string, outcome: string, actor: string): Promise<RequestView> {
    const r = await this.lifecycle.run(() => this.requestService.complete(id, outcome, actor));
    // a released access hold may free records already due
    await this.afterRelease();
    return r;
  }

  pauseRequest(id: string, reason: PauseReason, actor: string): Promise<RequestView> {
    return this.requestService.pause(id, reason, actor);
  }

  resumeRequest(id: string, actor: string): Promise<RequestView> {
    return this.requestService.resume(id, actor);
  }

  extendRequest(id: string, months: 1 | 2, reason: string, actor: string): Promise<RequestView> {
    return this.requestService.extend(id, months, reason, actor);
  }

  /** the orchestrator carries the erasure on: a sweep now in process, its own workflow on Temporal */
  protected async afterErasureBegun(id: string): Promise<RequestView> {
    const r = (await this.requestService.get(id))!;
    await this.orchestrator.startErasure({ requestId: r.id, controller: r.controller, subjectRef: r.subjectRef });
    return (await this.requestService.get(id))!;
  }

  /** the embedded runtime disposes what a release freed at once; a distributed one leaves it to the next scheduled sweep (within a minute) */
  protected async afterRelease(): Promise<void> {
    await this.sweep();
  }

  subjectRecords(ref: string): Promise<RecordState[]> {
    return this.p.registry.bySubject(ref, 10_000);
  }

  private async view(d: DeadLetter): Promise<DeadLetterView> {
    const { sealed, subjectHashes: _h, ...rest } = d;
    let original: unknown;
    try {
      original = await this.p.sealer.open(sealed, d.id);
    } catch (e) {
      if (!(e instanceof KeyShreddedError)) throw e;
      original = '[erased]';
    }
    return { ...rest, original };
  }

  async deadLetters(q: { status?: DeadLetter['status']; limit: number; afterId?: string }): Promise<DeadLetterView[]> {
    return Promise.all((await this.p.deadLetters.list(q)).map((d) => this.view(d)));
  }

  async deadLetter(id: string): Promise<DeadLetterView | undefined> {
    const d = await this.p.deadLetters.get(id);
    return d && this.view(d);
  }

  async reprocess(id: string, corrected: unknown | undefined, actor: string): Promise<IngestResult> {
    const d = await this.p.deadLetters.get(id);
    if (!d) throw new NotFoundError(`no dead letter ${id}`);
    if (d.status === 'reprocessed') throw new NotFoundError(`dead letter ${id} was already reprocessed (event ${d.resolvedEventId})`);
    const event = corrected === undefined ? await this.p.sealer.open(d.sealed, d.id) : corrected;
    const [result] = await this.ingestion.ingest([event], actor, d);
    if (result!.status !== 'rejected') {
      const now = this.clock.now().toISOString();
      await this.p.deadLetters.update({ ...d, status: 'reprocessed', attempts: d.attempts + 1, resolvedAt: now, resolvedEventId: result!.eventId });
      await this.p.audit.append(
        [{ actor, action: 'dead-letter.reprocessed', target: { kind: 'dead-letter', id }, reason: corrected === undefined ? 'reprocessed as it was' : 'reprocessed with a corrected event', details: { outcome: result!.status, eventId: result!.eventId } }],
        now,
      );
      await this.afterReprocess();
    }
    return result!;
  }

  /** the embedded runtime registers the reprocessed event at once; a distributed one leaves it to its consumers */
  protected async afterReprocess(): Promise<void> {
    await this.project();
  }

  audit(q: { afterSeq?: number; limit: number; targetId?: string }): Promise<AuditEntry[]> {
    return this.p.audit.list(q);
  }

  verifyAudit() {
    return this.p.audit.verify();
  }

  async advanceClock(by: string, actor: string): Promise<{ now: string; sweep: SweepReport }> {
    const c = this.clock;
    if (!isAdvanceable(c)) throw new ClockNotSimulatedError();
    const before = c.now().toISOString();
    const now = c.advance(by).toISOString();
    await this.p.audit.append([{ actor, action: 'clock.advanced', target: { kind: 'clock', id: 'simulated' }, reason: `simulated clock advanced by ${by}`, details: { from: before, to: now } }], now);
    await this.project();
    return { now, sweep: await this.sweep() };
  }

  /** when the platform next has something to do by itself: a record falling due or a deletion to retry */
  async nextWakeAt(): Promise<string | null> {
    const [due, retry] = await Promise.all([this.p.registry.nextDueAt(), this.p.tasks.nextAttemptAt()]);
    if (due === null) return retry;
    if (retry === null) return due;
    return due < retry ? due : retry;
  }

  /** through the Orchestrator: in process here, Temporal in the distributed runtime */
  sweep(): Promise<SweepReport> {
    return this.orchestrator.runSweep();
  }

  processes(q: { kind?: string; limit: number }): Promise<ProcessView[]> {
    return this.orchestrator.processes(q);
  }

  replay(from: { offset: number } | { time: string }, actor: string): Promise<ReplayReport> {
    return this.lifecycle.run(async () => {
      const { offset } = await this.p.bus.seek(LIFECYCLE_GROUP, from);
      const replayed = await this.projector.drain();
      const head = await this.p.bus.head();
      await this.p.audit.append(
        [{ actor, action: 'log.replayed', target: { kind: 'system', id: 'event-log' }, reason: 'offset' in from ? `replay from offset ${from.offset}` : `replay from ${from.time}`, details: { fromOffset: offset, replayed, head } }],
        this.clock.now().toISOString(),
      );
      return { fromOffset: offset, replayed, head };
    });
  }

  async overview(): Promise<Overview> {
    const now = this.clock.now();
    const soon = new Date(now.getTime() + 7 * 86_400_000).toISOString();
    const [stats, open, latest, head, holds, requests] = await Promise.all([
      this.p.registry.stats(now.toISOString(), soon),
      this.p.deadLetters.count('open'),
      this.p.deadLetters.list({ status: 'open', limit: 10, newestFirst: true }).then((ds) => Promise.all(ds.map((d) => this.view(d)))),
      this.p.audit.head(),
      this.holdService.list({ status: 'active', limit: 10_000 }),
      Promise.all((['awaiting-identity', 'open', 'in-progress'] as const).map((status) => this.requestService.list({ status, limit: 1_000 }))).then((x) => x.flat()),
    ]);
    const urgent = requests.filter((r) => r.reading.clock && r.reading.clock.state !== 'running').sort((a, b) => (a.reading.clock!.state === 'paused' ? 1 : 0) - (b.reading.clock!.state === 'paused' ? 1 : 0) || a.reading.clock!.dueOn.localeCompare(b.reading.clock!.dueOn));
    const attention = holds.filter((h) => h.review === 'overdue' || h.review === 'due-soon').sort((a, b) => (a.nextReviewAt < b.nextReviewAt ? -1 : 1));
    return {
      now: now.toISOString(),
      simulatedClock: this.clock.simulated,
      stats,
      deadLetters: { open, latest },
      audit: { entries: head?.seq ?? 0, headHash: head?.hash ?? null },
      holds: { open: holds.length, reviewsOverdue: attention.filter((h) => h.review === 'overdue').length, attention: attention.slice(0, 20) },
      requests: { open: requests.length, overdue: requests.filter((r) => r.reading.clock?.state === 'overdue').length, attention: urgent.slice(0, 20) },
      councils: this.p.book.packs.map((p) => ({ id: p.pack.id, council: p.pack.council, version: p.pack.version })),
    };
  }
}
