import { createHash, randomInt } from 'node:crypto';
import { decideDisposal, disposedRecord, nextAttemptDelay, DEFAULT_RETRY, type RecordState, type Receipt, type RetryPolicy } from '@custodian/workflows';
import type { SweepReport } from './platform';
import { holdsOn, type Hold } from '@custodian/workflows';
import { openHolds } from './holds';
import type { AuditInput, Clock, ConnectorDirectory, DeletionConnector, DeletionRequest, DeletionResult, DeletionTask, DeletionTasks, EventArchive, EventBus, HoldStore, Registry } from './ports';
import { inSpan } from './tracing';

/** Custodian's own copy of the events: the log's sealed sections are purged like any other store. */
export class EventLogConnector implements DeletionConnector {
  readonly kind = 'platform';
  readonly retry = DEFAULT_RETRY;
  constructor(private readonly bus: Pick<EventBus, 'purgeRecords'>) {}
  async delete(requests: DeletionRequest[]): Promise<DeletionResult[]> {
    const purged = await this.bus.purgeRecords(requests.map((r) => r.recordId));
    return requests.map((r) => {
      const n = purged.get(r.recordId) ?? 0;
      return n ? { outcome: 'deleted', detail: `sealed sections of ${n} event(s) purged` } : { outcome: 'absent', detail: 'nothing sealed left in the log' };
    });
  }
}

/**
 * The platform's own copies in the distributed runtime: the lifecycle service's archive is purged at
 * once, and the topics' copies are confirmed gone by `topics` (their retention).
 */
export class ArchiveAndTopicsConnector implements DeletionConnector {
  readonly kind = 'platform';
  readonly retry: RetryPolicy;
  constructor(
    private readonly archive: Pick<EventArchive, 'purge'>,
    private readonly topics: DeletionConnector,
  ) {
    this.retry = topics.retry;
  }
  async delete(requests: DeletionRequest[]): Promise<DeletionResult[]> {
    await this.archive.purge([...new Set(requests.map((r) => r.recordId))]);
    return this.topics.delete(requests);
  }
}

export function taskId(recordId: string, store: string, locator: string): string {
  return `task_${createHash('sha256').update(`${recordId}\u0000${store}\u0000${locator}`).digest('base64url').slice(0, 22)}`;
}

/**
 * One store's batch of deletions, in a span that says which store and how it went (counts per
 * outcome), never which locators or what the connector's details say.
 */
function callConnector(connector: DeletionConnector, group: DeletionTask[]): Promise<DeletionResult[]> {
  const first = group[0]!;
  const attributes = { 'custodian.store': first.store, 'custodian.controller': first.controller, 'custodian.tasks.count': group.length };
  return inSpan('custodian.connector.delete', { attributes }, async (span) => {
    const results = await connector
      .delete(group.map((t) => ({ taskId: t.taskId, recordId: t.recordId, controller: t.controller, store: t.store, locator: t.locator, attempt: t.attempts + 1 })))
      .catch((err: unknown) => {
        span.setAttribute('error.type', err instanceof Error ? err.name : 'unknown');
        return group.map(() => ({ outcome: 'retry' as const, detail: `connector error: ${err instanceof Error ? err.name : 'unknown'}` }));
      });
    const counts = { deleted: 0, absent: 0, retry: 0, failed: 0 };
    for (const r of results) counts[r.outcome]++;
    span.setAttributes({ 'custodian.outcomes.deleted': counts.deleted, 'custodian.outcomes.absent': counts.absent, 'custodian.outcomes.retry': counts.retry, 'custodian.outcomes.failed': counts.failed });
    const kinds = Object.entries(counts).filter(([, n]) => n > 0);
    if (kinds.length === 1) span.setAttribute('custodian.outcome', kinds[0]![0]);
    return results;
  });
}

/** What phase 1 did: the records it moved to `disposing`, and those the brain said to leave (with its reason). */
export interface BeginOutcome {
  started: string[];
  skipped: Array<{ recordId: string; reason: string }>;
}

/** what begin saved, kept for the same sweep round: its records need not be read back to be completed */
interface Begun extends BeginOutcome {
  records: RecordState[];
  tasks: DeletionTask[];
}

const NOTHING_BEGUN: Begun = { started: [], skipped: [], records: [], tasks: [] };

/** What phase 2 did: the records with a task that finished, and how many tasks ran or were escalated. */
export interface RunOutcome {
  touched: string[];
  tasksRun: number;
  tasksFailed: number;
}

/** a sweep round's run: its outcomes were saved with the completions they allowed */
interface SettledRun extends RunOutcome {
  disposed: number;
}

/** the outcomes of one batch of tasks, not saved yet */
interface Outcomes {
  updated: DeletionTask[];
  audit: AuditInput[];
  touched: string[];
  tasksFailed: number;
}

export interface DisposalDeps {
  clock: Clock;
  registry: Registry;
  tasks: DeletionTasks;
  connectors: ConnectorDirectory;
  /** legal holds: every decision to dispose is taken with the open ones in hand */
  holds: Pick<HoldStore, 'list'>;
  /** the embedded log, whose sealed sections the platform purges itself */
  bus?: Pick<EventBus, 'purgeRecords'>;
  /** the connector for the platform's own copies where the log is not the embedded one (Kafka topics) */
  logConnector?: DeletionConnector;
}

/**
 * The retention sweep. Three idempotent phases, each durable before the next, so a crash at any
 * point resumes without a second deletion with a different outcome:
 *   1. begin: due records become `disposing` together with one task per store (deterministic ids);
 *   2. run: ready tasks go to their store's connector; each outcome is saved (receipt, retry time, or failure);
 *   3. complete: records whose tasks are all done become `disposed`, keeping only non-personal proof.
 * The phases are public so the distributed runtime's activities run this same code, one phase per activity.
 */
export class DisposalService {
  private readonly platformConnector: DeletionConnector;
  constructor(
    private readonly d: DisposalDeps,
    private readonly opts = { batch: 2_000, maxRounds: 1_000, actor: 'retention-sweep' },
  ) {
    if (d.logConnector) this.platformConnector = d.logConnector;
    else if (d.bus) this.platformConnector = new EventLogConnector(d.bus);
    else throw new Error('disposal needs the event log (bus) or a connector for the platform\'s own copies (logConnector)');
  }

  private connector(controller: string, store: string): DeletionConnector | undefined {
    if (store === 'custodian-event-log') return this.platformConnector;
    return this.d.connectors.find(controller, store);
  }

  sweep(): Promise<SweepReport> {
    return inSpan('custodian.sweep', {}, async (span) => {
      const report = await this.sweepRounds();
      span.setAttributes({ 'custodian.records.started': report.started, 'custodian.records.disposed': report.disposed, 'custodian.tasks.run': report.tasksRun, 'custodian.tasks.failed': report.tasksFailed });
      return report;
    });
  }

  private async sweepRounds(): Promise<SweepReport> {
    const report: SweepReport = { at: this.d.clock.now().toISOString(), started: 0, disposed: 0, tasksRun: 0, tasksFailed: 0 };
    // records a crash left `disposing` with every task done are completed first
    const left = await this.d.registry.disposing(this.opts.batch * 4);
    report.disposed += (await this.completeFinished(left, this.d.clock.now().toISOString())).length;
    for (let round = 0; round < this.opts.maxRounds; round++) {
      const now = this.d.clock.now().toISOString();
      const due = await this.d.registry.due(now, this.opts.batch);
      const begun = due.length ? await this.begin(due, now) : NOTHING_BEGUN;
      report.started += begun.started.length;
      const run = await this.runRound(now, begun);
      report.tasksRun += run.tasksRun;
      report.tasksFailed += run.tasksFailed;
      report.disposed += run.disposed;
      if (!due.length && !run.touched.length && !run.disposed) break;
    }
    return report;
  }

  /** phase 1: the records the brain says to dispose at `now` become `disposing` with their tasks */
  begin(due: RecordState[], now: string): Promise<Begun> {
    return inSpan('custodian.disposal.begin', { attributes: { 'custodian.phase': 'begin', 'custodian.records.count': due.length } }, async (span) => {
      const out = await this.beginDue(due, now);
      span.setAttributes({ 'custodian.records.started': out.started.length, 'custodian.records.skipped': out.skipped.length });
      return out;
    });
  }

  private async beginDue(due: RecordState[], now: string): Promise<Begun> {
    const records: RecordState[] = [];
    const tasks: DeletionTask[] = [];
    const audit: AuditInput[] = [];
    const skipped: BeginOutcome['skipped'] = [];
    const holds = due.length ? await openHolds(this.d.holds) : [];
    const held: Array<{ id: string; heldBy: string[] }> = [];
    const heldAudit: AuditInput[] = [];
    for (const r of due) {
      const d = decideDisposal(r, now, holds);
      if (d.action === 'hold') {
        skipped.push({ recordId: r.id, reason: d.reason });
        if (r.status === 'active' || (r.heldBy ?? []).join() !== d.holds.join()) {
          held.push({ id: r.id, heldBy: d.holds });
          heldAudit.push({ actor: this.opts.actor, action: 'disposal.held', target: { kind: 'record', id: r.id }, reason: d.reason, policyVersion: r.policyVersion, details: { dueAt: r.dueAt, holds: d.holds } });
        }
        continue;
      }
      if (d.action !== 'dispose') {
        skipped.push({ recordId: r.id, reason: d.reason });
        continue;
      }
      records.push({ ...r, status: 'disposing', disposal: { startedAt: now, completedAt: null, receipts: [] } });
      for (const s of d.steps) {
        tasks.push({ taskId: taskId(r.id, s.store, s.locator), recordId: r.id, controller: r.controller, store: s.store, locator: s.locator, status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, receipt: null });
      }
      audit.push({
        actor: this.opts.actor,
        action: 'disposal.started',
        target: { kind: 'record', id: r.id },
        reason: d.reason,
        policyVersion: r.policyVersion,
        details: { dueAt: r.dueAt, stores: d.steps.map((s) => s.store) },
      });
    }
    if (held.length) await this.d.registry.setHeld(held, heldAudit, now);
    if (records.length) await this.d.tasks.begin(records, tasks, audit, now);
    return { started: records.map((r) => r.id), skipped, records, tasks };
  }

  /** phase 2: runs the tasks whose time has come; reports the records with a task that finished */
  runReady(now: string): Promise<RunOutcome> {
    return inSpan('custodian.disposal.run', { attributes: { 'custodian.phase': 'run' } }, async (span) => {
      const out = await this.runTasks(await this.d.tasks.ready(now, this.opts.batch * 4), now);
      span.setAttributes({ 'custodian.tasks.run': out.tasksRun, 'custodian.tasks.failed': out.tasksFailed });
      return out;
    });
  }

  /**
   * A sweep round's phases 2 and 3 in one unit: the ready tasks run, and their outcomes are saved
   * together with the records they complete (one write instead of two, and no second reading of
   * tasks and records). `begun` are the records and tasks this round began, known without reading.
   */
  private runRound(now: string, begun: Begun): Promise<SettledRun> {
    return inSpan('custodian.disposal.run', { attributes: { 'custodian.phase': 'run-and-complete' } }, async (span) => {
      const out = await this.runAndSettle(await this.d.tasks.ready(now, this.opts.batch * 4), now, begun);
      span.setAttributes({ 'custodian.tasks.run': out.tasksRun, 'custodian.tasks.failed': out.tasksFailed, 'custodian.records.disposed': out.disposed });
      return out;
    });
  }

  private async runAndSettle(found: DeletionTask[], now: string, begun: Begun): Promise<SettledRun> {
    const run = await this.runConnectors(found, now);
    if (!run.updated.length) return { touched: [], tasksRun: 0, tasksFailed: 0, disposed: 0 };
    const beganNow = new Map(begun.records.map((r) => [r.id, r]));
    const older = run.touched.filter((id) => !beganNow.has(id));
    const records = [...run.touched.flatMap((id) => beganNow.get(id) ?? []), ...(older.length ? (await this.d.registry.get(older)).values() : [])].filter((r) => r.status === 'disposing');
    // each record's tasks as they stand after this batch: begun this round (in memory) or read, then this batch's outcomes over them
    const current = new Map<string, DeletionTask>();
    for (const t of begun.tasks) current.set(t.taskId, t);
    for (const t of older.length ? await this.d.tasks.ofRecords(older) : []) current.set(t.taskId, t);
    for (const t of run.updated) current.set(t.taskId, t);
    const { done, audit } = this.completions(records, [...current.values()], now);
    await this.d.tasks.settle(run.updated, done, [...run.audit, ...audit], this.d.clock.now().toISOString());
    return { touched: run.touched, tasksRun: run.updated.length, tasksFailed: run.tasksFailed, disposed: done.length };
  }

  /** runs the given tasks (pending, due by `now`) through their connectors and saves each outcome: an erasure runs only its own */
  async runTasks(found: DeletionTask[], now: string): Promise<RunOutcome> {
    const run = await this.runConnectors(found, now);
    if (!run.updated.length) return { touched: [], tasksRun: 0, tasksFailed: 0 };
    await this.d.tasks.update(run.updated, run.audit, this.d.clock.now().toISOString());
    return { touched: run.touched, tasksRun: run.updated.length, tasksFailed: run.tasksFailed };
  }

  private async runConnectors(found: DeletionTask[], now: string): Promise<Outcomes> {
    const touched = new Set<string>();
    let tasksFailed = 0;
    if (!found.length) return { updated: [], audit: [], touched: [], tasksFailed: 0 };
    const ready = await this.pauseHeld(found, now);
    const groups = new Map<string, DeletionTask[]>();
    for (const t of ready) {
      const k = `${t.controller}\u0000${t.store}`;
      const g = groups.get(k);
      if (g) g.push(t);
      else groups.set(k, [t]);
    }
    const updated: DeletionTask[] = [];
    const audit: AuditInput[] = [];
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const first = group[0]!;
        const connector = this.connector(first.controller, first.store);
        const results: DeletionResult[] = connector
          ? await callConnector(connector, group)
          : group.map(() => ({ outcome: 'failed' as const, detail: `no connector is bound to store "${first.store}" of ${first.controller}` }));
        const at = this.d.clock.now().toISOString();
        group.forEach((t, i) => {
          const res = results[i]!;
          const attempts = t.attempts + 1;
          if (res.outcome === 'deleted' || res.outcome === 'absent') {
            const receipt: Receipt = { store: t.store, outcome: res.outcome, at, detail: res.detail, ...(res.reference ? { reference: res.reference } : {}) };
            // a finished task is never run again: its locator (personal data at some vendors) can go now
            updated.push({ ...t, locator: '[disposed]', attempts, status: 'done', receipt, lastError: null });
            touched.add(t.recordId);
            return;
          }
          const delay = res.outcome === 'retry' ? nextAttemptDelay(attempts, connector?.retry ?? DEFAULT_RETRY, res.retryAfterMs, randomInt(1_000_000) / 1_000_000) : null;
          if (delay === null) {
            tasksFailed++;
            updated.push({ ...t, attempts, status: 'failed', lastError: res.detail });
            audit.push({
              actor: this.opts.actor,
              action: 'deletion.escalated',
              target: { kind: 'task', id: t.taskId },
              reason: `deletion at ${t.store} failed after ${attempts} attempt(s): ${res.detail}`,
              details: { recordId: t.recordId, store: t.store, controller: t.controller },
            });
          } else {
            updated.push({ ...t, attempts, status: 'pending', lastError: res.detail, nextAttemptAt: new Date(Date.parse(at) + delay).toISOString() });
          }
        });
      }),
    );
    return { updated, audit, touched: [...touched], tasksFailed };
  }

  /**
   * A hold placed after a record's disposal began stops the deletions not yet made: their tasks are
   * paused (a release resumes them). Returns the tasks still to run.
   */
  private async pauseHeld(ready: DeletionTask[], now: string): Promise<DeletionTask[]> {
    const holds: Hold[] = await openHolds(this.d.holds);
    if (!holds.length) return ready;
    const records = await this.d.registry.get([...new Set(ready.map((t) => t.recordId))]);
    const heldBy = new Map<string, string[]>();
    for (const r of records.values()) {
      const on = holdsOn(r, holds);
      if (on.length) heldBy.set(r.id, on.map((h) => h.id));
    }
    if (!heldBy.size) return ready;
    const paused = ready.filter((t) => heldBy.has(t.recordId)).map((t) => ({ ...t, status: 'paused' as const }));
    const audit: AuditInput[] = [...heldBy].map(([id, holdIds]) => ({
      actor: this.opts.actor,
      action: 'deletion.paused',
      target: { kind: 'record', id },
      reason: 'a legal hold placed after disposal began covers it: the deletions not yet made wait for its release',
      details: { holds: holdIds, tasks: paused.filter((t) => t.recordId === id).map((t) => t.store) },
    }));
    await this.d.tasks.update(paused, audit, now);
    return ready.filter((t) => !heldBy.has(t.recordId));
  }

  /** phase 3: of `candidates`, the `disposing` records whose tasks are all done become `disposed`; returns their ids */
  completeFinished(candidates: RecordState[], now: string): Promise<string[]> {
    return inSpan('custodian.disposal.complete', { attributes: { 'custodian.phase': 'complete', 'custodian.records.count': candidates.length } }, async (span) => {
      const done = await this.completeDone(candidates, now);
      span.setAttribute('custodian.records.disposed', done.length);
      return done;
    });
  }

  private async completeDone(candidates: RecordState[], now: string): Promise<string[]> {
    const records = candidates.filter((r) => r.status === 'disposing');
    if (!records.length) return [];
    const { done, audit } = this.completions(records, await this.d.tasks.ofRecords(records.map((r) => r.id)), now);
    if (done.length) await this.d.tasks.complete(done, audit, now);
    return done.map((r) => r.id);
  }

  /** of `records` (disposing), those whose `tasks` are all done, as disposed records with their audit entries */
  private completions(records: RecordState[], tasks: DeletionTask[], now: string): { done: RecordState[]; audit: AuditInput[] } {
    const byRecord = new Map<string, DeletionTask[]>();
    for (const t of tasks) {
      const list = byRecord.get(t.recordId);
      if (list) list.push(t);
      else byRecord.set(t.recordId, [t]);
    }
    const done: RecordState[] = [];
    const audit: AuditInput[] = [];
    for (const r of records) {
      const ts = byRecord.get(r.id) ?? [];
      if (!ts.length || ts.some((t) => t.status !== 'done')) continue;
      const receipts = ts.map((t) => t.receipt!).sort((a, b) => a.store.localeCompare(b.store));
      done.push(disposedRecord(r, receipts, now));
      audit.push({
        actor: this.opts.actor,
        action: 'record.disposed',
        target: { kind: 'record', id: r.id },
        reason: `retention ended (${r.retention.duration} from ${r.retention.trigger}); deleted at every store`,
        policyVersion: r.policyVersion,
        details: { category: r.category, controller: r.controller, dueAt: r.dueAt, receipts: receipts.map((x) => ({ store: x.store, outcome: x.outcome, at: x.at, detail: x.detail, reference: x.reference })) },
      });
    }
    return { done, audit };
  }
}
