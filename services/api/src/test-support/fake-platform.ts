/**
 * An in-memory Platform for testing the API and CLI without a runtime. It keeps to the facade's
 * contract (validation through the real envelope schema, dedup by eventId, dead letters with
 * field reasons and card data truncated, a hash-chained audit trail, ClockNotSimulatedError) and
 * uses the real lifecycle brain for records, but nothing here is durable or fast.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  CategoryPolicy,
  type PlaceHoldRequest,
  type ReviewHoldRequest,
  EventEnvelope,
  fieldErrors,
  lifecycleFacts,
  redactPans,
  type DataCategory,
} from '@custodian/contracts';
import {
  ClockNotSimulatedError,
  NotFoundError,
  UnsupportedRequestError,
  type ApiPrincipal,
  type ApiTokens,
  type AuditEntry,
  type AuditInput,
  type AuditVerification,
  type Clock,
  type DeadLetter,
  type DeadLetterView,
  type IngestResult,
  type Overview,
  type Platform,
  type RecordView,
  type ReplayReport,
  type SweepReport,
  type ProcessView,
  type HoldView,
  type LiftOutcome,
  type ReceiveInput,
  type AccessExport,
  type RetryOutcome,
  type AckResult,
  type ErasureAck,
  type ErasureCommand,
  type RequestView,
} from '@custodian/core';
import {
  addDuration,
  applyEvent,
  confirmIdentity,
  decideDisposal,
  decideErasure,
  disposedRecord,
  erasureCertificate,
  erasureCompleted,
  erasureDecided,
  explainRecord,
  extendClock,
  londonDate,
  newHold,
  pauseClock,
  readRequest,
  receiveRequest,
  requestCompleted,
  resumeClock,
  reviewHold,
  reviewState,
  withClock,
  type Hold,
  type PauseReason,
  type PolicyRef,
  type RecordState,
  type SubjectRequest,
} from '@custodian/workflows';

export class FakeClock implements Clock {
  private t: Date;
  constructor(
    readonly simulated: boolean,
    start = '2026-01-05T09:00:00.000Z',
  ) {
    this.t = new Date(start);
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(by: string): Date {
    this.t = new Date(addDuration(this.t.toISOString(), by));
    return this.now();
  }
}

export class FakeTokens implements ApiTokens {
  private readonly byToken = new Map<string, ApiPrincipal>();
  async verify(token: string): Promise<ApiPrincipal | null> {
    return this.byToken.get(token) ?? null;
  }
  async issue(name: string, roles: string[]): Promise<string> {
    const token = `tok_${randomBytes(16).toString('hex')}`;
    this.byToken.set(token, { name, roles: [...roles] });
    return token;
  }
}

/** One policy for every category: the fake is not about policy packs. */
function fakePolicy(category: DataCategory): PolicyRef {
  return {
    packId: 'fake-pack',
    packVersion: '1',
    category: CategoryPolicy.parse({
      id: category,
      description: 'test category',
      personalData: ['name'],
      lawfulBasis: { primary: '6(1)(e)', provenance: { source: 'assumption', assumption: 'fake' } },
      retention: { duration: 'P30D', trigger: 'occurred', action: 'delete', provenance: { source: 'assumption', assumption: 'fake' } },
      stores: ['crm'],
      purposes: ['testing'],
    }),
  };
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export class FakePlatform implements Platform {
  readonly clock: FakeClock;
  readonly tokens = new FakeTokens();
  private readonly seen = new Set<string>();
  private readonly records = new Map<string, RecordState>();
  private readonly letters = new Map<string, DeadLetterView>();
  private readonly auditLog: AuditEntry[] = [];
  private offset = 0;
  private letterSeq = 0;
  private readonly holdMap = new Map<string, Hold>();
  private readonly requestMap = new Map<string, SubjectRequest>();

  constructor(opts: { simulatedClock?: boolean } = {}) {
    this.clock = new FakeClock(opts.simulatedClock ?? false);
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }

  private appendAudit(inputs: AuditInput[]): void {
    for (const i of inputs) {
      const prev = this.auditLog.at(-1);
      const base = { ...i, seq: (prev?.seq ?? 0) + 1, at: this.nowIso(), prevHash: prev?.hash ?? '0'.repeat(64) };
      this.auditLog.push({ ...base, hash: sha(JSON.stringify(base)) });
    }
  }

  /** Test hook: rewrites an entry's reason in place, as someone editing the store directly would. */
  tamperAudit(seq: number, reason: string): void {
    const e = this.auditLog.find((x) => x.seq === seq);
    if (!e) throw new Error(`no audit entry ${seq}`);
    e.reason = reason;
  }

  /** Test hook: a dead letter with chosen reasons, e.g. to check how pages render them. */
  addDeadLetter(partial: Partial<DeadLetterView> = {}): DeadLetterView {
    const dl: DeadLetterView = {
      id: this.nextLetterId(),
      receivedAt: this.nowIso(),
      eventId: null,
      type: null,
      controller: null,
      reasons: [],
      cardData: [],
      status: 'open',
      attempts: 1,
      resolvedAt: null,
      resolvedEventId: null,
      original: {},
      ...partial,
    };
    this.letters.set(dl.id, dl);
    return dl;
  }

  /** Test hook: a record as the registry would hold it. */
  putRecord(r: RecordState): void {
    this.records.set(r.id, r);
  }

  private nextLetterId(): string {
    this.letterSeq += 1;
    return `dl-${String(this.letterSeq).padStart(6, '0')}`;
  }

  private ingestOne(raw: unknown, index: number, actor: string, letterId?: string): IngestResult {
    const { value, findings } = redactPans(raw);
    const rawId = value && typeof value === 'object' && 'eventId' in value ? (value as { eventId: unknown }).eventId : null;
    const eventId = typeof rawId === 'string' ? rawId : null;
    const parsed = EventEnvelope.safeParse(value);
    if (!parsed.success) {
      const reasons = fieldErrors(parsed.error);
      const existing = letterId ? this.letters.get(letterId) : undefined;
      const dl: DeadLetterView = existing
        ? { ...existing, reasons, cardData: findings, attempts: existing.attempts + 1, original: value }
        : this.addDeadLetter({
            eventId,
            type: value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string' ? (value as { type: string }).type : null,
            reasons,
            cardData: findings,
            original: value,
          });
      this.letters.set(dl.id, dl);
      this.appendAudit([{ actor, action: 'event.rejected', target: { kind: 'dead-letter', id: dl.id }, reason: reasons[0]?.message ?? 'invalid' }]);
      return { index, eventId, status: 'rejected', deadLetterId: dl.id, reasons, cardData: findings };
    }
    // the schema's inferred type is wider than the EventEnvelope union it is documented as
    const e = parsed.data as EventEnvelope;
    if (this.seen.has(e.eventId)) return { index, eventId: e.eventId, status: 'duplicate' };
    this.seen.add(e.eventId);

    const facts = lifecycleFacts(e);
    const recordId = `rec-${sha(`${e.controller}|${e.category}|${facts.recordKey}`).slice(0, 16)}`;
    const subjectRef = `sub-${sha(`${e.controller}|${e.subject.identifiers.map((i) => `${i.kind}:${i.value}`).sort()[0]}`).slice(0, 16)}`;
    this.offset += 1;
    const now = this.nowIso();
    const decision = applyEvent(
      this.records.get(recordId),
      {
        eventId: e.eventId,
        offset: this.offset,
        type: e.type,
        occurredAt: e.occurredAt,
        receivedAt: now,
        controller: e.controller,
        category: e.category,
        subjectRef,
        facts,
        locations: e.locations,
      },
      fakePolicy(e.category),
    );
    if (decision.record) this.records.set(recordId, { ...decision.record, id: recordId });
    this.appendAudit([{ actor, action: 'event.accepted', target: { kind: 'record', id: recordId }, reason: decision.kind, policyVersion: 'fake-pack@1' }]);
    return { index, eventId: e.eventId, status: 'accepted', subjectRef, recordId, cardData: findings };
  }

  async ingest(raw: unknown[], actor: string): Promise<IngestResult[]> {
    return raw.map((r, i) => this.ingestOne(r, i, actor));
  }

  async project(): Promise<number> {
    return 0; // ingest applies events at once
  }

  async record(id: string): Promise<RecordView | undefined> {
    const r = this.records.get(id);
    return r && { record: r, explanation: explainRecord(r, this.nowIso()), tasks: [] };
  }

  async subjectRecords(ref: string): Promise<RecordState[]> {
    return [...this.records.values()].filter((r) => r.subjectRef === ref);
  }

  async deadLetters(q: { status?: DeadLetter['status']; limit: number; afterId?: string }): Promise<DeadLetterView[]> {
    return [...this.letters.values()]
      .filter((d) => (!q.status || d.status === q.status) && (!q.afterId || d.id > q.afterId))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, q.limit);
  }

  async deadLetter(id: string): Promise<DeadLetterView | undefined> {
    return this.letters.get(id);
  }

  async reprocess(id: string, corrected: unknown | undefined, actor: string): Promise<IngestResult> {
    const dl = this.letters.get(id);
    if (!dl) throw new NotFoundError(`no dead letter with id "${id}"`);
    const result = this.ingestOne(corrected === undefined ? dl.original : corrected, 0, actor, id);
    if (result.status !== 'rejected') {
      this.letters.set(id, { ...dl, status: 'reprocessed', attempts: dl.attempts + 1, resolvedAt: this.nowIso(), resolvedEventId: result.eventId });
      this.appendAudit([{ actor, action: 'dead-letter.reprocessed', target: { kind: 'dead-letter', id }, reason: result.status }]);
    }
    return result;
  }

  async audit(q: { afterSeq?: number; limit: number; targetId?: string }): Promise<AuditEntry[]> {
    return this.auditLog.filter((e) => e.seq > (q.afterSeq ?? 0) && (!q.targetId || e.target?.id === q.targetId)).slice(0, q.limit);
  }

  async verifyAudit(): Promise<AuditVerification> {
    let prevHash = '0'.repeat(64);
    for (const e of this.auditLog) {
      const { hash, ...base } = e;
      if (e.prevHash !== prevHash) return { ok: false, entries: this.auditLog.length, headHash: this.head(), firstBad: { seq: e.seq, problem: 'prevHash does not match' } };
      if (sha(JSON.stringify(base)) !== hash) return { ok: false, entries: this.auditLog.length, headHash: this.head(), firstBad: { seq: e.seq, problem: 'hash does not match its content' } };
      prevHash = hash;
    }
    return { ok: true, entries: this.auditLog.length, headHash: this.head() };
  }

  private head(): string | null {
    return this.auditLog.at(-1)?.hash ?? null;
  }

  async advanceClock(by: string, actor: string): Promise<{ now: string; sweep: SweepReport }> {
    if (!this.clock.simulated) throw new ClockNotSimulatedError();
    this.clock.advance(by);
    this.appendAudit([{ actor, action: 'clock.advanced', target: { kind: 'clock', id: 'clock' }, reason: `advanced by ${by}` }]);
    return { now: this.nowIso(), sweep: await this.sweep() };
  }

  /** the fake applies events at ingest, so a replay re-reads nothing new: it only reports the range */
  async replay(from: { offset: number } | { time: string }, actor: string): Promise<ReplayReport> {
    const fromOffset = 'offset' in from ? Math.max(1, from.offset) : 1;
    this.appendAudit([{ actor, action: 'log.replayed', target: { kind: 'system', id: 'event-log' }, reason: 'replay' }]);
    return { fromOffset, replayed: Math.max(0, this.offset - fromOffset + 1), head: this.offset };
  }

  readonly sweeps: ProcessView[] = [];
  async processes(q: { kind?: string; limit: number }): Promise<ProcessView[]> {
    return this.sweeps.filter((p) => !q.kind || p.kind === q.kind).slice(0, q.limit);
  }

  async sweep(): Promise<SweepReport> {
    const now = this.nowIso();
    let disposed = 0;
    for (const r of this.records.values()) {
      const d = decideDisposal(r, now);
      if (d.action !== 'dispose') continue;
      const receipts = d.steps.map((s) => ({ store: s.store, outcome: 'deleted' as const, at: now, detail: 'fake store' }));
      this.records.set(r.id, disposedRecord(r, receipts, now));
      this.appendAudit([{ actor: 'system', action: 'record.disposed', target: { kind: 'record', id: r.id }, reason: d.reason }]);
      disposed += 1;
    }
    return { at: now, started: disposed, disposed, tasksRun: 0, tasksFailed: 0 };
  }

  private holdView(h: Hold): HoldView {
    return { ...h, review: reviewState(h, this.nowIso()) };
  }

  async placeHold(req: PlaceHoldRequest, actor: string): Promise<HoldView> {
    if (req.controller !== "fake-pack") throw new UnsupportedRequestError(`no policy pack for council "${req.controller}"`);
    const h = newHold({ id: `hold_${this.holdMap.size + 1}`, ...req }, actor, this.nowIso());
    this.holdMap.set(h.id, h);
    this.appendAudit([{ actor, action: 'hold.placed', target: { kind: 'hold', id: h.id }, reason: h.reason }]);
    return this.holdView(h);
  }

  async dryRunHold(req: PlaceHoldRequest): Promise<{ records: number }> {
    if (req.controller !== 'fake-pack') throw new UnsupportedRequestError(`no policy pack for council "${req.controller}"`);
    return { records: [...this.records.values()].filter((r) => r.status !== 'disposed' && (req.scope.kind !== 'subject' || r.subjectRef === req.scope.subjectRef) && (req.scope.kind !== 'record' || r.id === req.scope.recordId)).length };
  }

  /** the fake's deletions never fail */
  async retryFailed(): Promise<RetryOutcome> {
    return { matched: 0, retried: 0, records: 0 };
  }

  async holds(q: { status?: Hold['status']; controller?: string; limit: number }): Promise<HoldView[]> {
    return [...this.holdMap.values()].filter((h) => (!q.status || h.status === q.status) && (!q.controller || h.controller === q.controller)).reverse().slice(0, q.limit).map((h) => this.holdView(h));
  }

  async hold(id: string): Promise<HoldView | undefined> {
    const h = this.holdMap.get(id);
    return h && this.holdView(h);
  }

  async reviewHold(id: string, req: ReviewHoldRequest, actor: string): Promise<{ hold: HoldView; lifted: LiftOutcome | null }> {
    const h = this.holdMap.get(id);
    if (!h) throw new NotFoundError(`no hold ${id}`);
    const next = reviewHold(h, req, actor, this.nowIso());
    this.holdMap.set(id, next);
    this.appendAudit([{ actor, action: req.decision === 'release' ? 'hold.released' : 'hold.reviewed', target: { kind: 'hold', id }, reason: req.decision }]);
    return { hold: this.holdView(next), lifted: next.status === 'released' ? { recordsUnheld: 0, tasksResumed: 0 } : null };
  }

  private requestView(r: SubjectRequest): RequestView {
    return { ...r, reading: readRequest(r, this.nowIso()) };
  }

  private loadRequest(id: string): SubjectRequest {
    const r = this.requestMap.get(id);
    if (!r) throw new NotFoundError(`no request ${id}`);
    return r;
  }

  /** the fake knows subjects only by reference; an erasure is decided and, having no stores, completed at once */
  async receiveRequest(input: ReceiveInput, actor: string): Promise<RequestView> {
    if (input.controller !== 'fake-pack') throw new UnsupportedRequestError(`no policy pack for council "${input.controller}"`);
    if (!input.subjectRef) throw new NotFoundError(`${input.controller} holds no records for the identifiers given`);
    const r = receiveRequest({ id: `req_${this.requestMap.size + 1}`, controller: input.controller, subjectRef: input.subjectRef, kind: input.kind, receivedAt: input.receivedAt ?? this.nowIso(), identityVerified: input.identityVerified }, actor);
    this.requestMap.set(r.id, r);
    this.appendAudit([{ actor, action: 'request.received', target: { kind: 'subject', id: r.subjectRef }, reason: r.kind }]);
    return this.requestView(this.advanceRequest(r, actor));
  }

  private advanceRequest(r: SubjectRequest, actor: string): SubjectRequest {
    if (r.kind !== 'erasure' || r.status !== 'open') return r;
    const now = this.nowIso();
    const mine = [...this.records.values()].filter((x) => x.subjectRef === r.subjectRef);
    let next = erasureDecided(r, mine.map((x) => decideErasure(x, now, [...this.holdMap.values()])), actor, now);
    if (next.status === 'in-progress') {
      for (const d of next.decisions) if (d.decision === 'erase') this.records.set(d.recordId, disposedRecord(this.records.get(d.recordId)!, [], now));
      next = erasureCompleted(next, erasureCertificate(next, this.records, [], null, now), actor, now);
    }
    this.requestMap.set(next.id, next);
    return next;
  }

  async requests(q: { status?: SubjectRequest['status']; controller?: string; subjectRef?: string; limit: number }): Promise<RequestView[]> {
    return [...this.requestMap.values()]
      .filter((r) => (!q.status || r.status === q.status) && (!q.controller || r.controller === q.controller) && (!q.subjectRef || r.subjectRef === q.subjectRef))
      .reverse()
      .slice(0, q.limit)
      .map((r) => this.requestView(r));
  }

  async request(id: string): Promise<RequestView | undefined> {
    const r = this.requestMap.get(id);
    return r && this.requestView(r);
  }

  async confirmIdentity(id: string, actor: string): Promise<RequestView> {
    const r = confirmIdentity(this.loadRequest(id), actor, this.nowIso());
    this.requestMap.set(id, r);
    return this.requestView(this.advanceRequest(r, actor));
  }

  /** the fake keeps no sealed events: the export lists the subject's records with what the registry knows */
  async accessPackage(id: string): Promise<AccessExport> {
    const r = this.loadRequest(id);
    if (r.kind !== 'access' && r.kind !== 'portability') throw new UnsupportedRequestError(`request ${id} is a ${r.kind} request`);
    const records = [...this.records.values()].filter((x) => x.subjectRef === r.subjectRef);
    return {
      requestId: r.id,
      controller: r.controller,
      council: 'Fake District Council',
      subjectRef: r.subjectRef,
      generatedAt: this.nowIso(),
      records: records.map((x) => ({ recordId: x.id, category: x.category, description: 'test category', status: x.status, lawfulBasis: x.lawfulBasis, purposes: ['testing'], retention: x.retention.duration, dueAt: x.dueAt, heldIn: x.locations.map((l) => l.store), events: [] })),
      withheld: [],
      review: [],
      notPortable: [],
    };
  }

  /** the fake has no stores that take commands */
  async erasureCommands(): Promise<ErasureCommand[]> {
    return [];
  }

  async acknowledge(acks: ErasureAck[]): Promise<AckResult[]> {
    return acks.map((a) => ({ commandId: a.commandId, status: 'rejected' as const, reason: 'no such command' }));
  }

  async liftRestriction(id: string, toldBy: string, actor: string): Promise<RequestView> {
    const r = requestCompleted(this.loadRequest(id), `Restriction lifted; the person was told (${toldBy}).`, actor, this.nowIso());
    this.requestMap.set(id, r);
    return this.requestView(r);
  }

  async decideObjection(id: string, decision: { upheld: boolean; reason: string }, actor: string): Promise<RequestView> {
    const r = requestCompleted(this.loadRequest(id), decision.upheld ? 'Objection upheld' : `Objection not upheld: ${decision.reason}. Processing continues.`, actor, this.nowIso());
    this.requestMap.set(id, r);
    return this.requestView(r);
  }

  async completeRequest(id: string, outcome: string, actor: string): Promise<RequestView> {
    const r = requestCompleted(this.loadRequest(id), outcome, actor, this.nowIso());
    this.requestMap.set(id, r);
    return this.requestView(r);
  }

  async pauseRequest(id: string, reason: PauseReason, actor: string): Promise<RequestView> {
    const r0 = this.loadRequest(id);
    const r = withClock(r0, pauseClock(r0.clock, reason, londonDate(this.nowIso())), actor, this.nowIso(), 'clock-paused', reason);
    this.requestMap.set(id, r);
    return this.requestView(r);
  }

  async resumeRequest(id: string, actor: string): Promise<RequestView> {
    const r0 = this.loadRequest(id);
    const r = withClock(r0, resumeClock(r0.clock, londonDate(this.nowIso())), actor, this.nowIso(), 'clock-resumed', 'resumed');
    this.requestMap.set(id, r);
    return this.requestView(r);
  }

  async extendRequest(id: string, months: 1 | 2, reason: string, actor: string): Promise<RequestView> {
    const r0 = this.loadRequest(id);
    const r = withClock(r0, extendClock(r0.clock, months, reason, londonDate(this.nowIso())), actor, this.nowIso(), 'extended', reason);
    this.requestMap.set(id, r);
    return this.requestView(r);
  }

  async overview(): Promise<Overview> {
    const now = this.nowIso();
    const counts = new Map<string, { controller: string; category: string; status: RecordState['status']; count: number }>();
    for (const r of this.records.values()) {
      const k = `${r.controller}|${r.category}|${r.status}`;
      const c = counts.get(k) ?? { controller: r.controller, category: r.category, status: r.status, count: 0 };
      c.count += 1;
      counts.set(k, c);
    }
    const all = [...this.records.values()];
    const open = [...this.letters.values()].filter((d) => d.status === 'open');
    // as the real platform: open holds, and those whose review is overdue or due within a week, most urgent first
    const openHolds = [...this.holdMap.values()].filter((h) => h.status === 'active').map((h) => this.holdView(h));
    const attention = openHolds.filter((h) => h.review === 'overdue' || h.review === 'due-soon').sort((a, b) => (a.nextReviewAt < b.nextReviewAt ? -1 : a.nextReviewAt > b.nextReviewAt ? 1 : a.id < b.id ? -1 : 1));
    return {
      now,
      simulatedClock: this.clock.simulated,
      stats: {
        byControllerCategoryStatus: [...counts.values()],
        dueSoon: all.filter((r) => r.status === 'active' && r.dueAt !== null).sort((a, b) => (a.dueAt! < b.dueAt! ? -1 : 1)).slice(0, 10),
        recentlyDisposed: all.filter((r) => r.status === 'disposed').slice(0, 10),
        failedTasks: 0,
        pendingTasks: 0,
      },
      deadLetters: { open: open.length, latest: open.slice(-5).reverse() },
      audit: { entries: this.auditLog.length, headHash: this.head() },
      requests: (() => {
        const open = [...this.requestMap.values()].filter((r) => r.status !== 'completed' && r.status !== 'withdrawn').map((r) => this.requestView(r));
        const attention = open.filter((r) => r.reading.clock && r.reading.clock.state !== 'running').sort((a, b) => (a.reading.clock!.state === 'paused' ? 1 : 0) - (b.reading.clock!.state === 'paused' ? 1 : 0) || a.reading.clock!.dueOn.localeCompare(b.reading.clock!.dueOn));
        return { open: open.length, overdue: open.filter((r) => r.reading.clock?.state === 'overdue').length, attention: attention.slice(0, 20) };
      })(),
      holds: { open: openHolds.length, reviewsOverdue: attention.filter((h) => h.review === 'overdue').length, attention: attention.slice(0, 20) },
      councils: [{ id: 'fake-pack', council: 'Fake District Council', version: '1' }],
    };
  }
}

/** A valid envelope for tests; override any field. */
export function sampleEvent(overrides: Record<string, unknown> = {}): { eventId: string; [field: string]: unknown } {
  return {
    eventId: `evt-${randomBytes(6).toString('hex')}`,
    version: 1,
    type: 'contact.received',
    source: { system: 'crm' },
    controller: 'newark-sherwood',
    occurredAt: '2026-01-02T10:00:00Z',
    subject: { identifiers: [{ kind: 'email', value: 'someone@example.org' }] },
    category: 'enquiry',
    locations: [{ store: 'crm', locator: 'case/1' }],
    payload: { caseRef: `CASE-${randomBytes(3).toString('hex')}`, channel: 'phone' },
    ...overrides,
  } as { eventId: string; [field: string]: unknown };
}

/** A platform with one token per role, for auth tests. */
export async function fakeWithTokens(opts: { simulatedClock?: boolean } = {}) {
  const platform = new FakePlatform(opts);
  const tokens = {
    service: await platform.tokens.issue('crm-connector', ['service']),
    operator: await platform.tokens.issue('ops-1', ['operator']),
    dpo: await platform.tokens.issue('dpo-1', ['dpo']),
    auditor: await platform.tokens.issue('auditor-1', ['auditor']),
  };
  return { platform, tokens };
}
