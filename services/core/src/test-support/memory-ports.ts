/**
 * In-memory implementations of the ports, for unit tests of the core services. They are kept simple and
 * correct so they double as a reference for the port contracts (see ports.ts): every method is one
 * atomic step, values are copied in and out (no aliasing between a caller and the store), a destroyed
 * key stays destroyed (null), and the audit log is the audit-chain module's hash chain.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DataLocation, HoldScope } from '@custodian/contracts';
import { holdCovers, type Hold, type RecordState, type RetryPolicy, type SubjectRequest } from '@custodian/workflows';
import { ChainVerifier, chain } from '../audit-chain';
import { subscribeByPolling } from '../polling-subscription';
import { SimulatedClock } from '../clocks';
import { MasterKey, Sealer } from '../crypto';
import { PlatformService } from '../platform-service';
import { PolicyBook, loadPolicyPacks, type LoadedPack } from '../policy-packs';
import type {
  ApiPrincipal,
  ApiTokens,
  AuditEntry,
  AuditInput,
  AuditLog,
  Clock,
  ConnectorDirectory,
  DeadLetter,
  DeadLetterStore,
  DeletionConnector,
  DeletionRequest,
  DeletionResult,
  DeletionTask,
  DeletionTasks,
  EventBus,
  HoldStore,
  EventArchive,
  ErasureJournal,
  JournalEntry,
  RequestStore,
  IdempotencyKeys,
  KeyVault,
  PublishStatus,
  Registry,
  StreamBatch,
  Subscription,
  RegistryStats,
  SealedBox,
  StoredEvent,
  SubjectIndex,
} from '../ports';
import { RevisionConflictError } from '../ports';

const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

export class MemoryEventArchive implements EventArchive {
  readonly events = new Map<string, StoredEvent>();
  async keep(events: StoredEvent[]): Promise<void> {
    for (const e of events) if (!this.events.has(e.eventId)) this.events.set(e.eventId, copy(e));
  }
  async ofRecord(recordId: string): Promise<StoredEvent[]> {
    return copy([...this.events.values()].filter((e) => e.recordId === recordId).sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0)));
  }
  async rewriteSealed(updates: Array<{ eventId: string; sealed: SealedBox }>): Promise<number> {
    let n = 0;
    for (const u of updates) {
      const e = this.events.get(u.eventId);
      if (e?.sealed) {
        e.sealed = copy(u.sealed);
        n++;
      }
    }
    return n;
  }
  async purge(recordIds: string[]): Promise<Map<string, number>> {
    const out = new Map(recordIds.map((id) => [id, 0]));
    for (const e of this.events.values()) {
      const n = out.get(e.recordId);
      if (n === undefined) continue;
      if (e.sealed) out.set(e.recordId, n + 1);
      e.sealed = null;
      e.locations = e.locations.map((l) => ({ store: l.store, locator: '[disposed]' }));
    }
    return out;
  }
}

export class MemoryEventBus implements EventBus {
  /** the log, offset = index + 1 */
  readonly log: StoredEvent[] = [];
  private readonly ids = new Set<string>();
  private readonly groups = new Map<string, number>();

  async publish(events: StoredEvent[]): Promise<PublishStatus[]> {
    return events.map((e) => {
      if (this.ids.has(e.eventId)) return { eventId: e.eventId, status: 'duplicate' as const };
      this.ids.add(e.eventId);
      const offset = this.log.length + 1;
      this.log.push({ ...copy(e), offset });
      return { eventId: e.eventId, status: 'appended' as const, offset };
    });
  }
  async subscribe(group: string, handler: (batch: StreamBatch) => Promise<void>, opts?: { maxBatch?: number }): Promise<Subscription> {
    return subscribeByPolling(this, group, handler, { ...opts, idleMs: 10 });
  }
  async poll(group: string, max: number, _opts?: { withSealed?: boolean }): Promise<StoredEvent[]> {
    const from = this.groups.get(group) ?? 0;
    return copy(this.log.slice(from, from + max));
  }
  async commit(group: string, offset: number): Promise<void> {
    this.groups.set(group, offset);
  }
  async committed(group: string): Promise<number> {
    return this.groups.get(group) ?? 0;
  }
  async seek(group: string, to: { offset: number } | { time: string }): Promise<{ offset: number }> {
    let offset: number;
    if ('offset' in to) offset = Math.max(1, to.offset);
    else offset = this.log.find((e) => e.receivedAt >= to.time)?.offset ?? this.log.length + 1;
    this.groups.set(group, offset - 1);
    return { offset };
  }
  async eventsOfRecord(recordId: string): Promise<StoredEvent[]> {
    return copy(this.log.filter((e) => e.recordId === recordId));
  }
  async purgeRecords(recordIds: string[]): Promise<Map<string, number>> {
    const out = new Map(recordIds.map((id) => [id, 0]));
    for (const e of this.log) {
      const n = out.get(e.recordId);
      if (n === undefined) continue;
      if (e.sealed !== null) out.set(e.recordId, n + 1);
      e.sealed = null;
      e.locations = e.locations.map((l) => ({ store: l.store, locator: '[disposed]' }));
    }
    return out;
  }
  async rewriteSealed(updates: Array<{ eventId: string; sealed: SealedBox }>): Promise<number> {
    let n = 0;
    for (const u of updates) {
      const e = this.log.find((x) => x.eventId === u.eventId);
      if (e && e.sealed !== null) {
        e.sealed = copy(u.sealed);
        n++;
      }
    }
    return n;
  }
  async head(): Promise<number> {
    return this.log.length;
  }
}

export class MemoryKeyVault implements KeyVault {
  /** null = destroyed (crypto-shredded); absent = never created */
  readonly keys = new Map<string, Buffer | null>();
  async putIfAbsent(entries: Array<{ kid: string; wrapped: Buffer }>): Promise<Map<string, Buffer | null>> {
    const out = new Map<string, Buffer | null>();
    for (const { kid, wrapped } of entries) {
      // a destroyed key is never re-created under the same kid
      if (!this.keys.has(kid)) this.keys.set(kid, Buffer.from(wrapped));
      const have = this.keys.get(kid)!;
      out.set(kid, have === null ? null : Buffer.from(have));
    }
    return out;
  }
  async get(kids: string[]): Promise<Map<string, Buffer | null>> {
    const out = new Map<string, Buffer | null>();
    for (const kid of kids) {
      const k = this.keys.get(kid);
      if (k !== undefined) out.set(kid, k === null ? null : Buffer.from(k));
    }
    return out;
  }
  async destroy(kid: string): Promise<boolean> {
    const k = this.keys.get(kid);
    if (!k) return false;
    k.fill(0);
    this.keys.set(kid, null);
    return true;
  }
}

export class MemorySubjectIndex implements SubjectIndex {
  /** controller -> hash -> subject ref */
  readonly index = new Map<string, Map<string, string>>();
  /** ref -> creation order, so the earliest subject wins a conflict */
  readonly subjects = new Map<string, { controller: string; createdAt: string; n: number }>();
  async resolve(requests: Array<{ controller: string; hashes: string[]; newRef: string }>, nowIso: string) {
    return requests.map((r) => this.resolveOne(r.controller, r.hashes, r.newRef, nowIso));
  }
  async find(controller: string, hashes: string[]): Promise<string | null> {
    const idx = this.index.get(controller);
    const owners = [...new Set(hashes.map((h) => idx?.get(h)).filter((r): r is string => r !== undefined))];
    return owners.sort((a, b) => this.subjects.get(a)!.n - this.subjects.get(b)!.n)[0] ?? null;
  }
  async forget(subjectRef: string): Promise<Array<{ controller: string; hash: string }>> {
    const out: Array<{ controller: string; hash: string }> = [];
    for (const [controller, idx] of this.index) for (const [h, r] of idx) if (r === subjectRef && idx.delete(h)) out.push({ controller, hash: h });
    return out;
  }
  private resolveOne(controller: string, hashes: string[], newRef: string, nowIso: string) {
    const idx = this.index.get(controller) ?? new Map<string, string>();
    this.index.set(controller, idx);
    const owners = new Set<string>();
    for (const h of hashes) {
      const r = idx.get(h);
      if (r) owners.add(r);
    }
    let ref: string;
    let created = false;
    if (!owners.size) {
      ref = newRef;
      created = true;
      this.subjects.set(ref, { controller, createdAt: nowIso, n: this.subjects.size });
    } else {
      ref = [...owners].sort((a, b) => this.subjects.get(a)!.n - this.subjects.get(b)!.n)[0]!;
    }
    for (const h of hashes) if (!idx.has(h)) idx.set(h, ref);
    return { ref, created, conflicts: [...owners].filter((r) => r !== ref) };
  }
}

export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  /** the stored head; a tail removed from `entries` still shows here */
  headRef: { seq: number; hash: string } | null = null;
  async append(inputs: AuditInput[], atIso: string): Promise<AuditEntry[]> {
    if (!inputs.length) return [];
    const added = chain(this.headRef, copy(inputs), atIso);
    this.entries.push(...added);
    const last = added[added.length - 1]!;
    this.headRef = { seq: last.seq, hash: last.hash };
    return copy(added);
  }
  async list(q: { afterSeq?: number; limit: number; targetId?: string }): Promise<AuditEntry[]> {
    return copy(this.entries.filter((e) => e.seq > (q.afterSeq ?? 0) && (!q.targetId || e.target?.id === q.targetId)).slice(0, q.limit));
  }
  async verify() {
    const v = new ChainVerifier();
    for (const e of this.entries) if (!v.push(e)) break;
    return v.result(this.headRef);
  }
  async head() {
    return this.headRef && { ...this.headRef };
  }
  actions(): string[] {
    return this.entries.map((e) => e.action);
  }
}

export class MemoryRegistry implements Registry {
  readonly records = new Map<string, RecordState>();
  constructor(
    private readonly audit: MemoryAuditLog,
    private readonly tasks: () => DeletionTask[],
  ) {}
  put(records: RecordState[]) {
    for (const r of records) this.records.set(r.id, copy(r));
  }
  async get(ids: string[]): Promise<Map<string, RecordState>> {
    const out = new Map<string, RecordState>();
    for (const id of ids) {
      const r = this.records.get(id);
      if (r) out.set(id, copy(r));
    }
    return out;
  }
  async save(records: RecordState[], audit: AuditInput[], atIso: string): Promise<void> {
    // appending is the step that can fail (details it cannot serialise): first, so a failure changes nothing
    await this.audit.append(audit, atIso);
    this.put(records);
  }
  async bySubject(subjectRef: string, limit: number): Promise<RecordState[]> {
    return copy([...this.records.values()].filter((r) => r.subjectRef === subjectRef).sort((a, b) => a.id.localeCompare(b.id)).slice(0, limit));
  }
  private dueBy(nowIso: string) {
    return [...this.records.values()].filter((r) => r.status === 'active' && r.dueAt !== null && r.dueAt <= nowIso).sort((a, b) => a.dueAt!.localeCompare(b.dueAt!));
  }
  async due(nowIso: string, limit: number): Promise<RecordState[]> {
    return copy(this.dueBy(nowIso).slice(0, limit));
  }
  async nextDueAt(): Promise<string | null> {
    const ds = [...this.records.values()].filter((r) => r.status === 'active' && r.dueAt !== null).map((r) => r.dueAt!).sort();
    return ds[0] ?? null;
  }
  async disposing(limit: number): Promise<RecordState[]> {
    return copy([...this.records.values()].filter((r) => r.status === 'disposing').slice(0, limit));
  }
  async countCovered(controller: string, scope: HoldScope): Promise<number> {
    const probe = { id: 'probe', controller, scope, reason: 'operational-pause', status: 'active' } as unknown as Hold;
    return [...this.records.values()].filter((r) => r.status !== 'disposed' && holdCovers(probe, r)).length;
  }
  async held(limit: number, afterId?: string): Promise<RecordState[]> {
    return copy(
      [...this.records.values()]
        .filter((r) => r.status === 'held' && (afterId === undefined || r.id > afterId))
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, limit),
    );
  }
  async setHeld(changes: Array<{ id: string; heldBy: string[] }>, audit: AuditInput[], atIso: string): Promise<string[]> {
    await this.audit.append(audit, atIso);
    const changed: string[] = [];
    for (const c of changes) {
      const r = this.records.get(c.id);
      if (!r) continue;
      if (c.heldBy.length && (r.status === 'active' || r.status === 'held')) this.records.set(c.id, { ...r, status: 'held', heldBy: [...c.heldBy] });
      else if (!c.heldBy.length && r.status === 'held') this.records.set(c.id, { ...r, status: 'active', heldBy: [] });
      else continue;
      changed.push(c.id);
    }
    return changed;
  }
  async stats(nowIso: string, dueWithinIso: string): Promise<RegistryStats> {
    const counts = new Map<string, { controller: string; category: string; status: RecordState['status']; count: number }>();
    for (const r of this.records.values()) {
      const k = `${r.controller}|${r.category}|${r.status}`;
      const c = counts.get(k) ?? { controller: r.controller, category: r.category, status: r.status, count: 0 };
      c.count++;
      counts.set(k, c);
    }
    const tasks = this.tasks();
    return {
      byControllerCategoryStatus: [...counts.values()].sort((a, b) => `${a.controller}|${a.category}|${a.status}`.localeCompare(`${b.controller}|${b.category}|${b.status}`)),
      dueSoon: copy(this.dueBy(dueWithinIso).slice(0, 20)),
      recentlyDisposed: copy(
        [...this.records.values()]
          .filter((r) => r.disposal?.completedAt)
          .sort((a, b) => b.disposal!.completedAt!.localeCompare(a.disposal!.completedAt!))
          .slice(0, 20),
      ),
      failedTasks: tasks.filter((t) => t.status === 'failed').length,
      pendingTasks: tasks.filter((t) => t.status === 'pending').length,
    };
  }
}

export class MemoryDeletionTasks implements DeletionTasks {
  readonly tasks = new Map<string, DeletionTask>();
  constructor(
    private readonly registry: MemoryRegistry,
    private readonly audit: MemoryAuditLog,
  ) {}
  async begin(records: RecordState[], tasks: DeletionTask[], audit: AuditInput[], atIso: string): Promise<void> {
    await this.audit.append(audit, atIso);
    this.registry.put(records);
    for (const t of tasks) if (!this.tasks.has(t.taskId)) this.tasks.set(t.taskId, copy(t));
  }
  async ready(nowIso: string, limit: number): Promise<DeletionTask[]> {
    return copy([...this.tasks.values()].filter((t) => t.status === 'pending' && t.nextAttemptAt <= nowIso).sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt)).slice(0, limit));
  }
  async get(taskIds: string[]): Promise<DeletionTask[]> {
    return copy(taskIds.map((id) => this.tasks.get(id)).filter((t): t is DeletionTask => t !== undefined));
  }
  async ofRecords(recordIds: string[]): Promise<DeletionTask[]> {
    const ids = new Set(recordIds);
    return copy([...this.tasks.values()].filter((t) => ids.has(t.recordId)));
  }
  update(tasks: DeletionTask[], audit: AuditInput[], atIso: string): Promise<void> {
    return this.settle(tasks, [], audit, atIso);
  }
  complete(records: RecordState[], audit: AuditInput[], atIso: string): Promise<void> {
    return this.settle([], records, audit, atIso);
  }
  async settle(tasks: DeletionTask[], records: RecordState[], audit: AuditInput[], atIso: string): Promise<void> {
    await this.audit.append(audit, atIso);
    for (const t of tasks) this.tasks.set(t.taskId, copy(t));
    this.registry.put(records);
  }
  async nextAttemptAt(): Promise<string | null> {
    const ts = [...this.tasks.values()].filter((t) => t.status === 'pending').map((t) => t.nextAttemptAt).sort();
    return ts[0] ?? null;
  }
  async failed(limit: number): Promise<DeletionTask[]> {
    return copy([...this.tasks.values()].filter((t) => t.status === 'failed').slice(0, limit));
  }
}

/** documents changed only with a revision check, as the stores' adapters do it */
class RevisionedDocs<T extends { id: string; revision: number }> {
  readonly docs = new Map<string, T>();
  constructor(
    private readonly audit: MemoryAuditLog,
    private readonly what: string,
  ) {}
  async save(x: T, audit: AuditInput[], atIso: string): Promise<void> {
    const stored = this.docs.get(x.id);
    if (x.revision === 1 ? stored !== undefined : stored?.revision !== x.revision - 1) {
      throw new RevisionConflictError(`${this.what} ${x.id} is at revision ${stored?.revision ?? 'none'}, not ${x.revision - 1}`);
    }
    await this.audit.append(audit, atIso);
    this.docs.set(x.id, copy(x));
  }
}

export class MemoryHoldStore implements HoldStore {
  private readonly store: RevisionedDocs<Hold>;
  constructor(audit: MemoryAuditLog) {
    this.store = new RevisionedDocs(audit, 'hold');
  }
  get holds(): Map<string, Hold> {
    return this.store.docs;
  }
  save(hold: Hold, audit: AuditInput[], atIso: string): Promise<void> {
    return this.store.save(hold, audit, atIso);
  }
  async get(id: string): Promise<Hold | undefined> {
    return copy(this.holds.get(id));
  }
  async list(q: { status?: Hold['status']; controller?: string; limit: number }): Promise<Hold[]> {
    return copy(
      [...this.holds.values()]
        .filter((h) => (!q.status || h.status === q.status) && (!q.controller || h.controller === q.controller))
        .sort((a, b) => (a.placedAt === b.placedAt ? (a.id < b.id ? 1 : -1) : a.placedAt < b.placedAt ? 1 : -1))
        .slice(0, q.limit),
    );
  }
}

export class MemoryRequestStore implements RequestStore {
  private readonly store: RevisionedDocs<SubjectRequest>;
  constructor(audit: MemoryAuditLog) {
    this.store = new RevisionedDocs(audit, 'request');
  }
  get requests(): Map<string, SubjectRequest> {
    return this.store.docs;
  }
  save(r: SubjectRequest, audit: AuditInput[], atIso: string): Promise<void> {
    return this.store.save(r, audit, atIso);
  }
  async get(id: string): Promise<SubjectRequest | undefined> {
    return copy(this.requests.get(id));
  }
  async list(q: { status?: SubjectRequest['status']; controller?: string; subjectRef?: string; limit: number }): Promise<SubjectRequest[]> {
    return copy(
      [...this.requests.values()]
        .filter((r) => (!q.status || r.status === q.status) && (!q.controller || r.controller === q.controller) && (!q.subjectRef || r.subjectRef === q.subjectRef))
        .sort((a, b) => (a.receivedAt === b.receivedAt ? (a.id < b.id ? 1 : -1) : a.receivedAt < b.receivedAt ? 1 : -1))
        .slice(0, q.limit),
    );
  }
}

export class MemoryErasureJournal implements ErasureJournal {
  readonly list: JournalEntry[] = [];
  async append(entry: JournalEntry): Promise<void> {
    this.list.push(copy(entry));
  }
  async entries(): Promise<JournalEntry[]> {
    return copy(this.list);
  }
}

export class MemoryDeadLetters implements DeadLetterStore {
  readonly entries: DeadLetter[] = [];
  async add(entries: DeadLetter[]): Promise<void> {
    // all checked before any is added: one unit, like the stores' transactions
    const seen = new Set(this.entries.map((x) => x.id));
    for (const e of entries) {
      if (seen.has(e.id)) throw new Error(`dead letter ${e.id} exists`);
      seen.add(e.id);
    }
    for (const e of entries) this.entries.push(copy(e));
  }
  async list(q: { status?: DeadLetter['status']; limit: number; afterId?: string; newestFirst?: boolean }): Promise<DeadLetter[]> {
    const ordered = q.newestFirst ? [...this.entries].reverse() : this.entries;
    const start = q.afterId ? ordered.findIndex((e) => e.id === q.afterId) + 1 : 0;
    return copy(ordered.slice(start).filter((e) => !q.status || e.status === q.status).slice(0, q.limit));
  }
  async get(id: string): Promise<DeadLetter | undefined> {
    return copy(this.entries.find((e) => e.id === id));
  }
  async update(entry: DeadLetter): Promise<void> {
    const i = this.entries.findIndex((e) => e.id === entry.id);
    if (i < 0) throw new Error(`no dead letter ${entry.id}`);
    this.entries[i] = copy(entry);
  }
  async count(status: DeadLetter['status']): Promise<number> {
    return this.entries.filter((e) => e.status === status).length;
  }
  async withSubjectHashes(controller: string, hashes: string[]): Promise<DeadLetter[]> {
    const want = new Set(hashes);
    return copy(this.entries.filter((e) => e.controller === controller && (e.subjectHashes ?? []).some((h) => want.has(h))));
  }
}

export class MemoryApiTokens implements ApiTokens {
  /** sha256(token) -> principal: the token itself is never kept */
  readonly byHash = new Map<string, ApiPrincipal>();
  private hash(t: string) {
    return createHash('sha256').update(t).digest('hex');
  }
  async verify(token: string): Promise<ApiPrincipal | null> {
    const p = this.byHash.get(this.hash(token));
    return p ? copy(p) : null;
  }
  async issue(name: string, roles: string[]): Promise<string> {
    const token = `cus_${randomBytes(24).toString('base64url')}`;
    this.byHash.set(this.hash(token), { name, roles: [...roles] });
    return token;
  }
}

/** All ports over one in-memory state, like one embedded database. */
export class MemoryIdempotencyKeys implements IdempotencyKeys {
  readonly ids = new Map<string, string>();
  async seen(eventIds: string[]): Promise<Set<string>> {
    return new Set(eventIds.filter((id) => this.ids.has(id)));
  }
  async remember(eventIds: string[], atIso: string): Promise<void> {
    for (const id of eventIds) if (!this.ids.has(id)) this.ids.set(id, atIso);
  }
}

export class MemoryPorts {
  readonly audit = new MemoryAuditLog();
  readonly bus = new MemoryEventBus();
  readonly vault = new MemoryKeyVault();
  readonly subjects = new MemorySubjectIndex();
  readonly registry: MemoryRegistry;
  readonly tasks: MemoryDeletionTasks;
  readonly deadLetters = new MemoryDeadLetters();
  readonly tokens = new MemoryApiTokens();
  readonly idempotency = new MemoryIdempotencyKeys();
  readonly holds: MemoryHoldStore;
  readonly requests: MemoryRequestStore;
  /** kept outside the other ports, as a deployment keeps it outside their backups */
  readonly journal = new MemoryErasureJournal();
  /** the distributed runtime's archive of events (the embedded log is its own) */
  readonly archive = new MemoryEventArchive();
  constructor() {
    this.holds = new MemoryHoldStore(this.audit);
    this.requests = new MemoryRequestStore(this.audit);
    this.registry = new MemoryRegistry(this.audit, () => [...this.tasks.tasks.values()]);
    this.tasks = new MemoryDeletionTasks(this.registry, this.audit);
  }

  private sections(): Record<string, unknown> {
    return {
      eventLog: this.bus.log,
      keyVault: [...this.vault.keys.entries()].map(([k, v]) => [k, v ? v.toString('base64') : null]),
      subjectIndex: [...this.subjects.index.entries()].map(([c, m]) => [c, [...m.entries()]]),
      subjects: [...this.subjects.subjects.entries()],
      registry: [...this.registry.records.values()],
      deletionTasks: [...this.tasks.tasks.values()],
      deadLetters: this.deadLetters.entries,
      holds: [...this.holds.holds.values()],
      eventArchive: [...this.archive.events.values()],
      requests: [...this.requests.requests.values()],
      audit: this.audit.entries,
      apiTokens: [...this.tokens.byHash.entries()],
    };
  }

  /** everything the ports hold, as text: for "this never appears anywhere" checks */
  dump(): string {
    return JSON.stringify(this.sections());
  }

  /** the names of the ports whose stored state contains `text` (short failure messages) */
  where(text: string): string[] {
    return Object.entries(this.sections())
      .filter(([, v]) => JSON.stringify(v).includes(text))
      .map(([k]) => k);
  }
}

/** A connector directory for tests: bind (controller, store) to a connector. */
export class FakeConnectorDirectory implements ConnectorDirectory {
  private readonly bound = new Map<string, DeletionConnector>();
  bind(controller: string, store: string, c: DeletionConnector): this {
    this.bound.set(`${controller}\u0000${store}`, c);
    return this;
  }
  find(controller: string, store: string): DeletionConnector | undefined {
    return this.bound.get(`${controller}\u0000${store}`);
  }
}

/* ------------------------------------------------------------------------------------------------
 * A platform over the memory ports, scripted connectors and event builders (valid by default).
 * ---------------------------------------------------------------------------------------------- */

let packsCache: LoadedPack[] | undefined;
/** the real policy packs (contracts/policy-packs/*.yaml), loaded once */
export function realPacks(): LoadedPack[] {
  packsCache ??= loadPolicyPacks();
  return packsCache;
}

export const TEST_MASTER = Buffer.alloc(32, 1);

export function testPlatform(opts: { clock?: Clock; connectors?: ConnectorDirectory; start?: string } = {}) {
  const ports = new MemoryPorts();
  const clock = opts.clock ?? new SimulatedClock({ frozenAt: new Date(opts.start ?? '2024-01-01T09:00:00.000Z') });
  const master = new MasterKey(TEST_MASTER);
  const sealer = new Sealer(master, ports.vault);
  const book = new PolicyBook(realPacks());
  const connectors = opts.connectors ?? new FakeConnectorDirectory();
  const platform = new PlatformService({
    clock,
    book,
    master,
    sealer,
    bus: ports.bus,
    subjects: ports.subjects,
    registry: ports.registry,
    tasks: ports.tasks,
    deadLetters: ports.deadLetters,
    audit: ports.audit,
    connectors,
    tokens: ports.tokens,
    holds: ports.holds,
    requests: ports.requests,
    vault: ports.vault,
    journal: ports.journal,
  });
  return { ports, clock, master, sealer, book, connectors, platform };
}

/** A connector whose answers are scripted per call; it records every request it gets. */
export class ScriptedConnector implements DeletionConnector {
  readonly kind = 'scripted';
  readonly requests: DeletionRequest[] = [];
  constructor(
    readonly retry: RetryPolicy,
    private readonly answer: (r: DeletionRequest, call: number) => DeletionResult | Error,
  ) {}
  async delete(requests: DeletionRequest[]): Promise<DeletionResult[]> {
    const out: DeletionResult[] = [];
    for (const r of requests) {
      this.requests.push({ ...r });
      const a = this.answer(r, this.requests.length);
      if (a instanceof Error) throw a;
      out.push(a);
    }
    return out;
  }
}

let evtSeq = 0;
type Over = Record<string, unknown>;
export const nextEventId = (p = 'evt') => `${p}-${String(++evtSeq).padStart(6, '0')}-test`;

export function envelope(type: string, controller: string, category: string, occurredAt: string, payload: Over, over: Over = {}): Record<string, unknown> {
  return {
    eventId: nextEventId(),
    type,
    version: 1,
    source: { system: 'unit-test' },
    controller,
    occurredAt,
    subject: { identifiers: [{ kind: 'email', value: 'pat.jones@example.org' }] },
    category,
    locations: [],
    payload,
    ...over,
  };
}

export const ev = {
  complaintOpened: (controller: string, complaintRef: string, at: string, over: Over = {}) =>
    envelope('complaint.opened', controller, 'complaint', at, { complaintRef, service: 'Waste collection', summary: 'Bins missed', contact: { name: 'Pat Jones', email: 'pat.jones@example.org' } }, { locations: [{ store: 'crm', locator: complaintRef }], ...over }),
  complaintClosed: (controller: string, complaintRef: string, at: string, over: Over = {}) =>
    envelope('complaint.closed', controller, 'complaint', at, { complaintRef, outcome: 'upheld' }, { locations: [{ store: 'crm', locator: complaintRef }], ...over }),
  enquiry: (controller: string, caseRef: string, at: string, summary = 'Council tax banding question', over: Over = {}) =>
    envelope('contact.received', controller, 'enquiry', at, { caseRef, channel: 'phone', summary }, { locations: [{ store: 'crm', locator: caseRef }], ...over }),
  payment: (controller: string, paymentRef: string, at: string, reference: string, over: Over = {}) =>
    envelope('payment.taken', controller, 'payment', at, { paymentRef, amountPence: 12_500, service: 'Garden waste permit', channel: 'phone', reference, card: { token: 'tok_9f8e7d6c5b4a', last4: '1111', scheme: 'visa' } }, { locations: [{ store: 'payments', locator: paymentRef }], ...over }),
  call: (controller: string, recordingId: string, at: string, locations: DataLocation[], over: Over = {}) =>
    envelope('call.recorded', controller, 'call-recording', at, { recordingId, direction: 'inbound', team: 'customer-services', callCentreLocation: 'castle-house', startedAt: at, durationSeconds: 245, pauses: [{ reason: 'payment', fromSecond: 100, toSecond: 160 }] }, { locations, ...over }),
};
