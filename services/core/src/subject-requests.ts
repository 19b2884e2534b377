import { applyCorrections, Correction, type SubjectIdentifier } from '@custodian/contracts';
import {
  ERASING,
  confirmIdentity,
  decideConsentWithdrawal,
  decideErasure,
  decideObjectionUpheld,
  inForce,
  personTold,
  rectificationPlanned,
  rectificationProgressed,
  nextAttemptDelay,
  DEFAULT_RETRY,
  type RectificationTask,
  type ErasureDecision,
  type Hold,
  erasureCertificate,
  erasureCompleted,
  erasureDecided,
  erasureProgress,
  extendClock,
  linkingKeys,
  londonDate,
  pauseClock,
  planDeletions,
  readRequest,
  receiveRequest,
  requestCompleted,
  resumeClock,
  withClock,
  type ErasureCertificate,
  type PauseReason,
  type RecordState,
  type RequestReading,
  type Right,
  type SubjectRequest,
} from '@custodian/workflows';
import { KeyShreddedError, type MasterKey, type Sealer } from './crypto';
import { taskId } from './disposal';
import { buildAccessPackage, type AccessPackage } from './access';
import { HoldService, openHolds } from './holds';
import { newId } from './ingest';
import { NotFoundError, UnsupportedRequestError } from './platform';
import type { ErasedRecords } from './journal';
import type { DeadLetterStore, ErasureJournal } from './ports';
import type { AuditInput, Clock, ConnectorDirectory, DeletionTask, DeletionTasks, ErasureAck, EventBus, HoldStore, KeyVault, Registry, RequestStore, SealedBox, SubjectIndex } from './ports';
import type { PolicyBook } from './policy-packs';

export interface RequestView extends SubjectRequest {
  reading: RequestReading;
}

export interface ReceiveInput {
  controller: string;
  kind: Right;
  /** the person, as the council knows them: matched through the blind index, never stored */
  identifiers?: SubjectIdentifier[];
  /** or the pseudonymous reference, when the DPO already has it */
  subjectRef?: string;
  receivedAt?: string;
  identityVerified: boolean;
  /** rectification: the details that are wrong and their right values */
  corrections?: Correction[];
}

export interface RequestDeps {
  clock: Clock;
  book: PolicyBook;
  master: MasterKey;
  sealer: Sealer;
  subjects: SubjectIndex;
  registry: Registry;
  tasks: DeletionTasks;
  holds: HoldStore;
  requests: RequestStore;
  vault: Pick<KeyVault, 'destroy'>;
  /** where the events of a record can be read back and corrected (the embedded log); absent where none is kept */
  bus?: Pick<EventBus, 'eventsOfRecord' | 'rewriteSealed'>;
  /** the stores a rectification reaches */
  connectors?: ConnectorDirectory;
  /** every finished erasure is written here, apart from the stores a restore could roll back */
  journal: ErasureJournal;
  erased?: ErasedRecords;
  /** the person's rejected events: destroyed with the key when nothing of them is left */
  deadLetters?: Pick<DeadLetterStore, 'withSubjectHashes'>;
}

/** the bases under which data is portable (Art 20): given by the person under consent or contract */
const PORTABLE = new Set(['6(1)(a)', '6(1)(b)']);

/** a subject has at most this many records for one request to consider (a council's busiest callers have hundreds) */
const MAX_RECORDS = 10_000;

/**
 * Subject-rights requests over the ports: logging them with their statutory clock, the clock's
 * pauses and extension, and erasure end to end — decided per record by the brain, carried out by
 * the same deletion tasks and connectors as disposal, finished with a certificate and, when nothing
 * of the subject is left, the destruction of its data key.
 */
export class RequestService {
  private readonly holdService: HoldService;
  constructor(private readonly d: RequestDeps) {
    this.holdService = new HoldService(d);
  }

  private now() {
    return this.d.clock.now().toISOString();
  }

  view(r: SubjectRequest): RequestView {
    return { ...r, reading: readRequest(r, this.now()) };
  }

  private async load(id: string): Promise<SubjectRequest> {
    const r = await this.d.requests.get(id);
    if (!r) throw new NotFoundError(`no request ${id}`);
    return r;
  }

  private audit(r: SubjectRequest, actor: string, action: string, reason: string, details: Record<string, unknown> = {}): AuditInput {
    return { actor, action, target: { kind: 'subject', id: r.subjectRef }, reason, details: { requestId: r.id, kind: r.kind, controller: r.controller, ...details } };
  }

  async resolveSubject(controller: string, identifiers: SubjectIdentifier[]): Promise<string | null> {
    const hashes = linkingKeys(identifiers).map((k) => this.d.master.blindIndex(controller, k));
    return hashes.length ? this.d.subjects.find(controller, hashes) : null;
  }

  async receive(input: ReceiveInput, actor: string): Promise<RequestView> {
    if (!this.d.book.packs.some((p) => p.pack.id === input.controller)) throw new UnsupportedRequestError(`no policy pack for council "${input.controller}"`);
    const subjectRef = input.subjectRef ?? (input.identifiers ? await this.resolveSubject(input.controller, input.identifiers) : null);
    if (!subjectRef) throw new NotFoundError(`${input.controller} holds no records for the identifiers given: answer the person that nothing is held (no request is logged here)`);
    const now = this.now();
    let r = receiveRequest({ id: newId('req'), controller: input.controller, subjectRef, kind: input.kind, receivedAt: input.receivedAt ?? now, identityVerified: input.identityVerified }, actor);
    if (input.kind === 'rectification') {
      const parsed = Correction.array().min(1).max(10).safeParse(input.corrections ?? []);
      if (!parsed.success) throw new UnsupportedRequestError('a rectification request needs the corrections: [{ field: name|email|phone|date-of-birth|postcode, value }]');
      // the right values are personal data: sealed under the subject's key from the start
      r = { ...r, sealedCorrections: await this.d.sealer.seal(`subj:${subjectRef}`, parsed.data, `rectification|${r.id}`) };
    }
    if (input.kind === 'access') {
      // deleting data to frustrate an open request is an offence (DPA 2018 s173): nothing of the subject goes while it is open
      const hold = await this.holdService.place({ controller: input.controller, scope: { kind: 'subject', subjectRef }, reason: 'subject-access-request', reference: r.id, reviewEvery: 'P1M' }, actor);
      r = { ...r, holdId: hold.id };
    }
    await this.d.requests.save(r, [this.audit(r, actor, 'request.received', `${input.kind} request received${input.identityVerified ? '' : '; waiting for proof of identity (clock paused)'}`, { dueOn: readRequest(r, now).clock?.dueOn })], now);
    return this.view(r.status === 'open' ? await this.advance(r, actor) : r);
  }

  async get(id: string): Promise<RequestView | undefined> {
    const r = await this.d.requests.get(id);
    return r && this.view(r);
  }

  async list(q: { status?: SubjectRequest['status']; controller?: string; subjectRef?: string; limit: number }): Promise<RequestView[]> {
    return (await this.d.requests.list(q)).map((r) => this.view(r));
  }

  async confirmIdentity(id: string, actor: string): Promise<RequestView> {
    const r = confirmIdentity(await this.load(id), actor, this.now());
    await this.d.requests.save(r, [this.audit(r, actor, 'request.identity-confirmed', 'identity confirmed: the clock runs again')], this.now());
    return this.view(await this.advance(r, actor));
  }

  async pause(id: string, reason: PauseReason, actor: string): Promise<RequestView> {
    const r0 = await this.load(id);
    const r = withClock(r0, pauseClock(r0.clock, reason, londonDate(this.now())), actor, this.now(), 'clock-paused', `waiting for ${reason}`);
    await this.d.requests.save(r, [this.audit(r, actor, 'request.clock-paused', `clock paused while waiting for ${reason}`)], this.now());
    return this.view(r);
  }

  async resume(id: string, actor: string): Promise<RequestView> {
    const r0 = await this.load(id);
    const r = withClock(r0, resumeClock(r0.clock, londonDate(this.now())), actor, this.now(), 'clock-resumed', 'the answer came: clock running again');
    await this.d.requests.save(r, [this.audit(r, actor, 'request.clock-resumed', 'clock running again')], this.now());
    return this.view(r);
  }

  async extend(id: string, months: 1 | 2, reason: string, actor: string): Promise<RequestView> {
    const r0 = await this.load(id);
    const r = withClock(r0, extendClock(r0.clock, months, reason, londonDate(this.now())), actor, this.now(), 'extended', `extended by ${months} month(s): ${reason}`);
    await this.d.requests.save(r, [this.audit(r, actor, 'request.extended', `deadline extended by ${months} month(s); the person is told why`, { dueOn: readRequest(r, this.now()).clock?.dueOn })], this.now());
    return this.view(r);
  }

  /**
   * The package an access (or portability) request answers with: every record and event held about
   * the subject, decrypted, other people's data withheld. Portability keeps only data the person gave
   * under consent or contract and says why the rest is not included.
   */
  async accessPackage(id: string): Promise<AccessPackage & { notPortable: Array<{ recordId: string; category: string; reason: string }> }> {
    const r = await this.load(id);
    if (r.kind !== 'access' && r.kind !== 'portability') throw new UnsupportedRequestError(`request ${id} is a ${r.kind} request: only access and portability requests have an export`);
    if (r.status === 'awaiting-identity') throw new UnsupportedRequestError(`request ${id} is waiting for proof of identity: nothing is disclosed before it is confirmed`);
    if (!this.d.bus) throw new UnsupportedRequestError('this runtime keeps no archive of each record\'s events to export from; the registry view (GET /v1/subjects/{ref}/records) lists what is held');
    const all = await this.d.registry.bySubject(r.subjectRef, MAX_RECORDS);
    const portable = r.kind === 'portability' ? all.filter((x) => PORTABLE.has(x.lawfulBasis)) : all;
    const notPortable =
      r.kind === 'portability'
        ? all
            .filter((x) => !PORTABLE.has(x.lawfulBasis) && x.controller === r.controller)
            .map((x) => ({ recordId: x.id, category: x.category, reason: `Not portable: Art 20 covers only data the person provided under consent or contract; this is held on ${x.lawfulBasis} (${x.lawfulBasis === '6(1)(e)' ? 'public task' : x.lawfulBasis === '6(1)(c)' ? 'legal obligation' : 'another basis'}). It is available through a subject access request.` }))
        : [];
    const pkg = await buildAccessPackage({ book: this.d.book, sealer: this.d.sealer, bus: this.d.bus }, r, portable, this.now());
    return { ...pkg, notPortable };
  }

  /**
   * Closes a request whose answer the council has sent (access, portability, and the rights the
   * council carries out in its own systems), with what was done; an access request's hold is released.
   */
  async complete(id: string, outcome: string, actor: string): Promise<RequestView> {
    const r0 = await this.load(id);
    if (ERASING.has(r0.kind) && r0.decisions.length) throw new UnsupportedRequestError('an erasure completes by itself once every store has confirmed its deletions');
    if (r0.kind === 'rectification' && r0.rectification?.tasks.some((t) => t.status === 'pending')) throw new UnsupportedRequestError('corrections are still being sent: the request completes by itself, or once only stores corrected by hand are left');
    if (r0.kind === 'restriction' || r0.kind === 'objection') throw new UnsupportedRequestError(`a ${r0.kind} ends by ${r0.kind === 'restriction' ? 'lifting it (the person told first)' : 'deciding it (upheld or not)'}`);
    const now = this.now();
    const r = requestCompleted(r0, outcome, actor, now);
    await this.d.requests.save(r, [this.audit(r, actor, 'request.completed', `${r.kind} request answered`, { timeliness: readRequest(r, now).timeliness })], now);
    if (r.holdId) {
      const hold = await this.d.holds.get(r.holdId);
      if (hold?.status === 'active') await this.holdService.review(r.holdId, { decision: 'release', note: `subject access request ${r.id} answered` }, actor);
    }
    return this.view(r);
  }

  /**
   * What an open request does next on its own: an erasure or a withdrawal of consent is decided
   * per record and begun; a restriction, or an objection while it is assessed, holds the subject's
   * data to storage only.
   */
  private async advance(r: SubjectRequest, actor: string): Promise<SubjectRequest> {
    if (r.status !== 'open') return r;
    switch (r.kind) {
      case 'erasure':
        return this.beginErasure(r, actor, decideErasure);
      case 'consent-withdrawal':
        return this.beginErasure(r, actor, decideConsentWithdrawal);
      case 'rectification':
        return this.planRectification(r, actor);
      case 'restriction':
      case 'objection': {
        const hold = await this.holdService.place({ controller: r.controller, scope: { kind: 'subject', subjectRef: r.subjectRef }, reason: r.kind, reference: r.id, reviewEvery: 'P1M' }, actor);
        const note = r.kind === 'restriction' ? 'restricted: the data is only stored (no disposal, sharing or transfer) until the restriction is lifted' : 'restricted while the objection is assessed (Art 18(1)(d))';
        const next = inForce(r, hold.id, actor, this.now(), note);
        await this.d.requests.save(next, [this.audit(next, actor, `${r.kind}.in-force`, note, { holdId: hold.id })], this.now());
        return next;
      }
      default:
        return r;
    }
  }

  /**
   * Finds every store holding a detail the person corrected: Custodian's own copy is re-sealed with
   * the right values at once; each store the record names gets a correction (by its connector, by
   * command, or by hand where it takes none); recordings are not corrected.
   */
  private async planRectification(r0: SubjectRequest, actor: string): Promise<SubjectRequest> {
    const now = this.now();
    const corrections = await this.d.sealer.open<Correction[]>(r0.sealedCorrections as SealedBox, `rectification|${r0.id}`);
    const records = (await this.d.registry.bySubject(r0.subjectRef, MAX_RECORDS)).filter((x) => x.controller === r0.controller && x.status !== 'disposed');
    const fields = new Set<string>();
    const tasks: RectificationTask[] = [];
    // where no events can be read back, every store the records name is corrected
    const archive = this.d.bus !== undefined;
    for (const rec of records) {
      let holdsField = !archive;
      let rewritten = 0;
      if (archive && this.d.bus) {
        const rewrites: Array<{ eventId: string; sealed: SealedBox }> = [];
        for (const e of await this.d.bus.eventsOfRecord(rec.id)) {
          if (!e.sealed) continue;
          let opened: { identifiers: SubjectIdentifier[]; payload: Record<string, unknown> };
          try {
            opened = await this.d.sealer.open(e.sealed, e.eventId);
          } catch (err) {
            if (err instanceof KeyShreddedError) continue;
            throw err;
          }
          const fixed = applyCorrections(opened, corrections);
          if (!fixed.changed.length) continue;
          for (const c of corrections) if (applyCorrections(opened, [c]).changed.length) fields.add(c.field);
          rewrites.push({ eventId: e.eventId, sealed: await this.d.sealer.seal(e.sealed.kid, { identifiers: fixed.identifiers, payload: fixed.payload }, e.eventId) });
        }
        rewritten = rewrites.length ? await this.d.bus.rewriteSealed(rewrites) : 0;
        holdsField = rewritten > 0;
      } else for (const c of corrections) fields.add(c.field);
      if (!holdsField) continue;
      const id = (store: string) => `rect_${taskId(rec.id, store, r0.id).slice(5)}`;
      if (archive) tasks.push({ taskId: id('custodian-event-log'), recordId: rec.id, store: 'custodian-event-log', status: 'done', attempts: 1, detail: `${rewritten} event(s) re-sealed with the corrections`, at: now });
      for (const l of rec.locations) {
        const connector = this.d.connectors?.find(rec.controller, l.store);
        const kind = this.d.book.packs.find((p) => p.pack.id === rec.controller)?.pack.stores.find((s) => s.id === l.store)?.kind;
        if (kind === 'files') tasks.push({ taskId: id(l.store), recordId: rec.id, store: l.store, status: 'not-applicable', attempts: 0, detail: 'a recording is not corrected: it is what was said', at: now });
        // no connector here (the distributed API service has none): the worker that runs the corrections decides
        else if (!connector || connector.rectify) tasks.push({ taskId: id(l.store), recordId: rec.id, store: l.store, status: 'pending', attempts: 0, detail: 'to be corrected', at: null });
        else tasks.push({ taskId: id(l.store), recordId: rec.id, store: l.store, status: 'manual', attempts: 0, detail: 'this store takes no corrections from Custodian: correct it by hand, then complete the request', at: null });
      }
    }
    const r = rectificationPlanned(r0, [...fields], tasks, actor, now);
    await this.d.requests.save(r, [this.audit(r, actor, 'rectification.planned', `${[...fields].join(', ') || 'nothing held differs'}; ${tasks.length} store(s)`, { stores: tasks.map((t) => ({ store: t.store, status: t.status })) })], now);
    return r.status === 'in-progress' ? this.runCorrections(r, actor) : r;
  }

  /** sends the corrections whose time has come; a store that keeps failing is escalated */
  private async runCorrections(r: SubjectRequest, actor: string): Promise<SubjectRequest> {
    const now = this.now();
    const tasks = r.rectification!.tasks.map((t) => ({ ...t }));
    const due = tasks.filter((t) => t.status === 'pending' && (t.at === null || t.at <= now));
    if (!due.length) return r;
    const corrections = await this.d.sealer.open<Correction[]>(r.sealedCorrections as SealedBox, `rectification|${r.id}`);
    const records = await this.d.registry.get([...new Set(due.map((t) => t.recordId))]);
    const audit: AuditInput[] = [];
    for (const t of due) {
      const rec = records.get(t.recordId);
      const connector = rec && this.d.connectors?.find(rec.controller, t.store);
      const locator = rec?.locations.find((l) => l.store === t.store)?.locator;
      if (!rec || !connector?.rectify || !locator) {
        Object.assign(t, { status: 'manual', detail: 'no longer reachable from Custodian: correct it by hand' });
        continue;
      }
      const [res] = await connector.rectify([{ taskId: t.taskId, recordId: rec.id, controller: rec.controller, store: t.store, locator, corrections, attempt: t.attempts + 1 }]);
      t.attempts++;
      if (res!.outcome === 'updated' || res!.outcome === 'absent') Object.assign(t, { status: 'done', detail: res!.detail, at: now, ...('reference' in res! && res!.reference ? { reference: res!.reference } : {}) });
      else {
        const delay = res!.outcome === 'retry' ? nextAttemptDelay(t.attempts, connector.retry ?? DEFAULT_RETRY, res!.retryAfterMs, 1) : null;
        if (delay === null) {
          Object.assign(t, { status: 'failed', detail: res!.detail, at: now });
          audit.push(this.audit(r, actor, 'rectification.escalated', `correction at ${t.store} failed after ${t.attempts} attempt(s): ${res!.detail}`, { store: t.store, recordId: t.recordId }));
        } else Object.assign(t, { detail: res!.detail, at: new Date(Date.parse(now) + delay).toISOString() });
      }
    }
    const next = rectificationProgressed(r, tasks, actor, now);
    if (next.status === 'completed') audit.push(this.audit(next, actor, 'rectification.completed', next.outcome!));
    await this.d.requests.save(next, audit, now);
    return next;
  }

  /** a system's acknowledgement of a correction command */
  async acknowledgeCorrections(acks: ErasureAck[], actor: string): Promise<Array<{ commandId: string; status: 'applied' | 'duplicate' | 'rejected'; reason?: string }>> {
    const out: Array<{ commandId: string; status: 'applied' | 'duplicate' | 'rejected'; reason?: string }> = [];
    const open = await this.d.requests.list({ status: 'in-progress', limit: 1_000 });
    for (const a of acks) {
      const r = open.find((x) => x.rectification?.tasks.some((t) => t.taskId === a.commandId));
      const t = r?.rectification?.tasks.find((x) => x.taskId === a.commandId);
      if (!r || !t || t.recordId !== a.recordId || t.store !== a.store) {
        out.push({ commandId: a.commandId, status: 'rejected', reason: 'no such command' });
        continue;
      }
      if (t.status !== 'pending') {
        out.push({ commandId: a.commandId, status: 'duplicate' });
        continue;
      }
      const now = this.now();
      const tasks = r.rectification!.tasks.map((x) => (x.taskId === t.taskId ? { ...x, status: a.outcome === 'failed' ? ('failed' as const) : ('done' as const), detail: `acknowledged: ${a.detail}`, at: now, ...(a.reference ? { reference: a.reference } : {}) } : x));
      const next = rectificationProgressed(r, tasks, actor, now);
      await this.d.requests.save(next, next.status === 'completed' ? [this.audit(next, actor, 'rectification.completed', next.outcome!)] : [], now);
      open.splice(open.indexOf(r), 1, next);
      out.push({ commandId: a.commandId, status: 'applied' });
    }
    return out;
  }

  private async releaseHoldOf(r: SubjectRequest, note: string, actor: string): Promise<void> {
    if (!r.holdId) return;
    const hold = await this.d.holds.get(r.holdId);
    if (hold?.status === 'active') await this.holdService.review(r.holdId, { decision: 'release', note }, actor);
  }

  /** lifts a restriction: recorded, and the person told before it takes effect (Art 18(3)) */
  async liftRestriction(id: string, toldBy: string, actor: string): Promise<RequestView> {
    const r0 = await this.load(id);
    if (r0.kind !== 'restriction' || r0.status !== 'in-progress') throw new UnsupportedRequestError(`request ${id} is not a restriction in force`);
    const now = this.now();
    const told = personTold(r0, toldBy, actor, now);
    await this.releaseHoldOf(r0, `restriction ${id} lifted`, actor);
    // one save of two steps: the stored revision moves by one
    const r = { ...requestCompleted(told, `Restriction lifted; the person was told (${toldBy}).`, actor, now), revision: r0.revision + 1 };
    await this.d.requests.save(r, [this.audit(r, actor, 'restriction.lifted', 'restriction lifted; the person was told first')], now);
    return this.view(r);
  }

  /**
   * The outcome of an objection: upheld, the records processed on public task or legitimate
   * interests are erased; not upheld (compelling legitimate grounds), processing carries on. Either
   * way the restriction while it was assessed ends and the decision is recorded.
   */
  async decideObjection(id: string, decision: { upheld: boolean; reason: string }, actor: string): Promise<RequestView> {
    const r0 = await this.load(id);
    if (r0.kind !== 'objection' || r0.status !== 'in-progress' || r0.decisions.length) throw new UnsupportedRequestError(`request ${id} is not an objection under assessment`);
    await this.releaseHoldOf(r0, `objection ${id} decided`, actor);
    const now = this.now();
    if (decision.upheld) {
      const r = await this.beginErasure({ ...r0, ...{ history: [...r0.history, { at: now, by: actor, action: 'objection-upheld', note: decision.reason }] } }, actor, decideObjectionUpheld);
      return this.view(r);
    }
    const r = requestCompleted(r0, `Objection not upheld: ${decision.reason}. Processing continues.`, actor, now);
    await this.d.requests.save(r, [this.audit(r, actor, 'objection.not-upheld', 'compelling legitimate grounds recorded; processing continues')], now);
    return this.view(r);
  }

  /**
   * Decides every record of the subject and starts deleting the granted ones: the records become
   * `disposing` (cause: this request) with one task per store, which the deletion runner carries out.
   */
  private async beginErasure(r0: SubjectRequest, actor: string, decide: (r: RecordState, nowIso: string, holds: readonly Hold[]) => ErasureDecision): Promise<SubjectRequest> {
    const now = this.now();
    const [records, holds] = await Promise.all([this.d.registry.bySubject(r0.subjectRef, MAX_RECORDS), openHolds(this.d.holds)]);
    const decisions = records.filter((x) => x.controller === r0.controller).map((x) => decide(x, now, holds));
    const r = erasureDecided(r0, decisions, actor, now);
    const erase = new Map(records.map((x) => [x.id, x]));
    const disposing: RecordState[] = [];
    const tasks: DeletionTask[] = [];
    const audit: AuditInput[] = [this.audit(r, actor, 'erasure.decided', r.outcome!, { decisions: decisions.map((x) => ({ recordId: x.recordId, decision: x.decision, article: x.article })) })];
    for (const dec of decisions) {
      if (dec.decision !== 'erase') continue;
      const rec = erase.get(dec.recordId)!;
      disposing.push({ ...rec, status: 'disposing', disposal: { startedAt: now, completedAt: null, receipts: [], cause: { kind: 'erasure', requestId: r.id, article: dec.article } } });
      for (const s of planDeletions(rec)) {
        tasks.push({ taskId: taskId(rec.id, s.store, s.locator), recordId: rec.id, controller: rec.controller, store: s.store, locator: s.locator, status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, receipt: null });
      }
      audit.push({ actor, action: 'erasure.started', target: { kind: 'record', id: rec.id }, reason: dec.reason, policyVersion: rec.policyVersion, details: { requestId: r.id, stores: planDeletions(rec).map((s) => s.store) } });
    }
    // the request first: if the tasks then fail to start, progress() finds the request in progress and nothing half-begun
    await this.d.requests.save(r, [], now);
    if (disposing.length) await this.d.tasks.begin(disposing, tasks, audit, now);
    else await this.d.registry.save([], audit, now);
    return r;
  }

  /**
   * Finishes erasures whose records are all disposed: the certificate, and the data key destroyed
   * when nothing of the subject is left. Called after every round of deletions; idempotent.
   */
  async progress(actor = 'erasure'): Promise<string[]> {
    const finished: string[] = [];
    for (const r of await this.d.requests.list({ status: 'in-progress', limit: 1_000 })) {
      if (r.kind === 'rectification') {
        if ((await this.runCorrections(r, actor)).status === 'completed') finished.push(r.id);
        continue;
      }
      // restrictions and objections under assessment are in progress with nothing to erase
      if (!ERASING.has(r.kind) || !r.decisions.length) continue;
      const ids = r.decisions.filter((x) => x.decision === 'erase').map((x) => x.recordId);
      const records = await this.d.registry.get(ids);
      if (erasureProgress(r, records).waiting.length) continue;
      finished.push(await this.finish(r, records, actor));
    }
    return finished;
  }

  /**
   * One erasure's state after a round of deletions: finished now (certificate, key), or what it waits
   * for — records still being deleted, deletions escalated, the next retry time.
   */
  async progressOne(id: string, actor = 'erasure'): Promise<{ status: 'completed' | 'waiting'; waiting: number; escalated: number; nextAttemptAt: string | null }> {
    const r = await this.load(id);
    if (r.kind === 'rectification' && r.status === 'in-progress') {
      const next = await this.runCorrections(r, actor);
      const tasks = next.rectification?.tasks ?? [];
      if (next.status === 'completed') return { status: 'completed', waiting: 0, escalated: 0, nextAttemptAt: null };
      const pending = tasks.filter((t) => t.status === 'pending');
      return { status: 'waiting', waiting: pending.length, escalated: tasks.filter((t) => t.status === 'failed' || t.status === 'manual').length, nextAttemptAt: pending.map((t) => t.at ?? this.now()).sort()[0] ?? null };
    }
    if (!ERASING.has(r.kind) || r.status === 'completed') return { status: 'completed', waiting: 0, escalated: 0, nextAttemptAt: null };
    if (r.status !== 'in-progress') throw new UnsupportedRequestError(`request ${id} is ${r.status}: there is no erasure under way`);
    const ids = this.erasing(r);
    const records = await this.d.registry.get(ids);
    const { waiting } = erasureProgress(r, records);
    if (!waiting.length) {
      await this.finish(r, records, actor);
      return { status: 'completed', waiting: 0, escalated: 0, nextAttemptAt: null };
    }
    const tasks = await this.d.tasks.ofRecords(waiting);
    const next = tasks.filter((t) => t.status === 'pending').map((t) => t.nextAttemptAt).sort()[0] ?? null;
    return { status: 'waiting', waiting: waiting.length, escalated: tasks.filter((t) => t.status === 'failed').length, nextAttemptAt: next };
  }

  /** the records an erasure deletes */
  erasing(r: SubjectRequest): string[] {
    return r.decisions.filter((x) => x.decision === 'erase').map((x) => x.recordId);
  }

  private async finish(r: SubjectRequest, records: Map<string, RecordState>, actor: string): Promise<string> {
    const now = this.now();
    const left = (await this.d.registry.bySubject(r.subjectRef, MAX_RECORDS)).filter((x) => x.status !== 'disposed');
    let keyDestroyedAt: string | null = null;
    let deadLettersShredded = 0;
    if (!left.length) {
      // nothing of the subject is left: every copy sealed under its key (log, topics, backups) becomes unreadable
      const kid = `subj:${r.subjectRef}`;
      await this.d.vault.destroy(kid);
      this.d.sealer.forget(kid);
      const hashes = await this.d.subjects.forget(r.subjectRef);
      keyDestroyedAt = now;
      // and the person's rejected events waiting in the dead-letter queue, each sealed under its own key
      if (this.d.deadLetters && hashes.length) {
        // a dead letter is filed under its event's council; a segregated category's hashes carry it as "council#category"
        const byCouncil = new Map<string, string[]>();
        for (const h of hashes) {
          const council = h.controller.split('#')[0]!;
          byCouncil.set(council, [...(byCouncil.get(council) ?? []), h.hash]);
        }
        for (const [council, mine] of byCouncil) {
          for (const dl of await this.d.deadLetters.withSubjectHashes(council, mine)) {
            if (await this.d.vault.destroy(dl.sealed.kid)) deadLettersShredded++;
            this.d.sealer.forget(dl.sealed.kid);
          }
        }
      }
    }
    const failures: ErasureCertificate['failures'] = [];
    const erasedIds = this.erasing(r).filter((id) => records.get(id)?.status === 'disposed');
    // first the journal: a crash after it re-applies an erasure that was done, never loses one
    await this.d.journal.append({ requestId: r.id, controller: r.controller, subjectRef: r.subjectRef, recordIds: erasedIds, keyDestroyed: keyDestroyedAt !== null, at: now });
    await this.d.erased?.add(erasedIds);
    const cert = { ...erasureCertificate(r, records, failures, keyDestroyedAt, now), ...(deadLettersShredded ? { deadLettersShredded } : {}) };
    const done = erasureCompleted(r, cert, actor, now);
    await this.d.requests.save(done, [this.audit(done, actor, 'erasure.completed', cert.summary, { stores: [...new Set(cert.stores.map((s) => s.store))], keyDestroyed: keyDestroyedAt !== null })], now);
    return r.id;
  }
}
