import { summariseErasure, type ErasureDecision } from './erasure';
import type { Receipt, RecordState } from './record';
import { londonDate, pauseClock, readClock, resumeClock, type ClockReading, type StatutoryClock } from './statutory-clock';

/** The rights a person can exercise (UK GDPR Arts 15–21, and withdrawal of consent, Art 7(3)). */
export const RIGHTS = ['access', 'portability', 'rectification', 'restriction', 'objection', 'consent-withdrawal', 'erasure'] as const;
export type Right = (typeof RIGHTS)[number];

export type RequestStatus = 'awaiting-identity' | 'open' | 'in-progress' | 'completed' | 'withdrawn';

export interface RequestEvent {
  at: string;
  by: string;
  action: string;
  /** never personal data: what was decided, not who said what */
  note?: string;
}

/** One store's part in an erasure, as the certificate lists it. */
export interface StoreReceipt extends Receipt {
  recordId: string;
}

export interface ErasureCertificate {
  requestId: string;
  controller: string;
  subjectRef: string;
  issuedAt: string;
  summary: string;
  records: Array<Pick<ErasureDecision, 'recordId' | 'category' | 'decision' | 'article' | 'reason'>>;
  stores: StoreReceipt[];
  /** deletions that were escalated instead of confirmed: the certificate says so rather than hide them */
  failures: Array<{ recordId: string; store: string; lastError: string }>;
  /** when the subject's data key was destroyed (every copy unreadable); null while a refused record still needs it */
  keyDestroyedAt: string | null;
  /** rejected events of the person still in the dead-letter queue, made unreadable with their own keys */
  deadLettersShredded?: number;
}

/** one store's part in a rectification */
export interface RectificationTask {
  taskId: string;
  recordId: string;
  store: string;
  /** manual: the store takes no corrections from Custodian, the council corrects it by hand */
  status: 'pending' | 'done' | 'failed' | 'not-applicable' | 'manual';
  attempts: number;
  detail: string;
  at: string | null;
  reference?: string;
}

/** AES-GCM ciphertext under the subject's key (the same shape as the platform's sealed boxes) */
export interface SealedValue {
  v: 1;
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

export interface SubjectRequest {
  id: string;
  controller: string;
  /** pseudonymous: the person was matched through the blind index when the request was logged */
  subjectRef: string;
  kind: Right;
  receivedAt: string;
  receivedBy: string;
  clock: StatutoryClock;
  status: RequestStatus;
  /** erasure: the decision for every record of the subject */
  decisions: ErasureDecision[];
  certificate: ErasureCertificate | null;
  /** rectification: the corrections, sealed under the subject's key (they are personal data) */
  sealedCorrections?: SealedValue;
  /** rectification: which details were wrong (field names only) and every store's part */
  rectification?: { fields: string[]; tasks: RectificationTask[] };
  /** access: the legal hold that keeps the subject's data while the request is open (DPA 2018 s173) */
  holdId?: string;
  outcome: string | null;
  /** when the council answered, where that is before the request ends: a restriction put in force */
  answeredAt?: string;
  completedAt: string | null;
  history: RequestEvent[];
  revision: number;
}

export class RequestStateError extends Error {}

export function receiveRequest(input: { id: string; controller: string; subjectRef: string; kind: Right; receivedAt: string; identityVerified: boolean }, by: string): SubjectRequest {
  const receivedOn = londonDate(input.receivedAt);
  const clock: StatutoryClock = { receivedOn, pauses: [], extension: null };
  return {
    id: input.id,
    controller: input.controller,
    subjectRef: input.subjectRef,
    kind: input.kind,
    receivedAt: input.receivedAt,
    receivedBy: by,
    // until the person's identity is confirmed the clock stands still (DUAA 2025)
    clock: input.identityVerified ? clock : pauseClock(clock, 'identity', receivedOn),
    status: input.identityVerified ? 'open' : 'awaiting-identity',
    decisions: [],
    certificate: null,
    outcome: null,
    completedAt: null,
    history: [{ at: input.receivedAt, by, action: 'received', note: input.identityVerified ? 'identity confirmed at receipt' : 'waiting for proof of identity: clock paused' }],
    revision: 1,
  };
}

const step = (r: SubjectRequest, by: string, at: string, action: string, note?: string): Pick<SubjectRequest, 'history' | 'revision'> => ({
  history: [...r.history, { at, by, action, ...(note ? { note } : {}) }],
  revision: r.revision + 1,
});

function mustBeOpen(r: SubjectRequest) {
  if (r.status === 'completed' || r.status === 'withdrawn') throw new RequestStateError(`request ${r.id} is ${r.status}`);
}

export function confirmIdentity(r: SubjectRequest, by: string, nowIso: string): SubjectRequest {
  if (r.status !== 'awaiting-identity') throw new RequestStateError(`request ${r.id} is not waiting for identity (it is ${r.status})`);
  return { ...r, ...step(r, by, nowIso, 'identity-confirmed', 'clock running again'), status: 'open', clock: resumeClock(r.clock, londonDate(nowIso)) };
}

export function withClock(r: SubjectRequest, clock: StatutoryClock, by: string, nowIso: string, action: string, note: string): SubjectRequest {
  mustBeOpen(r);
  return { ...r, ...step(r, by, nowIso, action, note), clock };
}

/** the erasure decided: in progress while records are being deleted, completed at once when none is */
/** the request kinds that end in erasing records: erasure itself, consent withdrawn, an objection upheld */
export const ERASING: ReadonlySet<Right> = new Set(['erasure', 'consent-withdrawal', 'objection']);

export function erasureDecided(r: SubjectRequest, decisions: ErasureDecision[], by: string, nowIso: string): SubjectRequest {
  if (!ERASING.has(r.kind)) throw new RequestStateError(`request ${r.id} is a ${r.kind} request`);
  if (r.status !== 'open' && !(r.kind === 'objection' && r.status === 'in-progress')) throw new RequestStateError(`request ${r.id} is ${r.status}: ${r.status === 'awaiting-identity' ? 'confirm the identity first' : 'already decided'}`);
  const outcome = r.kind === 'erasure' ? summariseErasure(decisions) : `${r.kind === 'objection' ? 'Objection upheld' : 'Consent withdrawn'}: ${summariseErasure(decisions).replace(/^Erasure [a-z ]+: /, '')}`;
  const any = decisions.some((d) => d.decision === 'erase');
  return { ...r, ...step(r, by, nowIso, 'erasure-decided', outcome), decisions, outcome, status: any ? 'in-progress' : 'completed', completedAt: any ? null : nowIso };
}

/** the records an erasure waits on, and whether every one of them is disposed */
export function erasureProgress(r: SubjectRequest, records: ReadonlyMap<string, RecordState>): { waiting: string[]; done: string[] } {
  const ids = r.decisions.filter((d) => d.decision === 'erase').map((d) => d.recordId);
  const done = ids.filter((id) => records.get(id)?.status === 'disposed');
  return { waiting: ids.filter((id) => !done.includes(id)), done };
}

export function erasureCertificate(r: SubjectRequest, records: ReadonlyMap<string, RecordState>, failures: ErasureCertificate['failures'], keyDestroyedAt: string | null, nowIso: string): ErasureCertificate {
  const stores: StoreReceipt[] = [];
  for (const d of r.decisions) {
    if (d.decision !== 'erase') continue;
    for (const x of records.get(d.recordId)?.disposal?.receipts ?? []) stores.push({ ...x, recordId: d.recordId });
  }
  return {
    requestId: r.id,
    controller: r.controller,
    subjectRef: r.subjectRef,
    issuedAt: nowIso,
    summary: `${r.outcome ?? ''} ${stores.length} deletion(s) confirmed at ${new Set(stores.map((s) => s.store)).size} store(s)${failures.length ? `; ${failures.length} escalated` : ''}${keyDestroyedAt ? '; the data key is destroyed, so every remaining copy is unreadable' : '; the data key is kept for the records refused'}.`.trim(),
    records: r.decisions.map(({ recordId, category, decision, article, reason }) => ({ recordId, category, decision, article, reason })),
    stores,
    failures,
    keyDestroyedAt,
  };
}

export function erasureCompleted(r: SubjectRequest, certificate: ErasureCertificate, by: string, nowIso: string): SubjectRequest {
  if (r.status !== 'in-progress') throw new RequestStateError(`request ${r.id} is ${r.status}, not in progress`);
  return { ...r, ...step(r, by, nowIso, 'erasure-completed', certificate.summary), certificate, status: 'completed', completedAt: nowIso };
}

/** a restriction or an objection under assessment in force: its hold keeps the subject's data to storage only */
export function inForce(r: SubjectRequest, holdId: string, by: string, nowIso: string, note: string): SubjectRequest {
  if (r.status !== 'open') throw new RequestStateError(`request ${r.id} is ${r.status}`);
  // a restriction in force answers the request (the clock stops); an objection still awaits its decision
  return { ...r, ...step(r, by, nowIso, 'in-force', note), holdId, status: 'in-progress', outcome: note, ...(r.kind === 'restriction' ? { answeredAt: nowIso } : {}) };
}

export function requestCompleted(r: SubjectRequest, outcome: string, by: string, nowIso: string): SubjectRequest {
  mustBeOpen(r);
  if (r.status === 'awaiting-identity') throw new RequestStateError(`request ${r.id} is waiting for identity: confirm it first`);
  return { ...r, ...step(r, by, nowIso, 'completed', outcome), outcome, status: 'completed', completedAt: nowIso };
}

/** the stores holding a wrong detail are known: in progress while any is to be corrected, completed when none is */
export function rectificationPlanned(r: SubjectRequest, fields: string[], tasks: RectificationTask[], by: string, nowIso: string): SubjectRequest {
  if (r.kind !== 'rectification' || r.status !== 'open') throw new RequestStateError(`request ${r.id} is not an open rectification`);
  const next = { ...r, ...step(r, by, nowIso, 'rectification-planned', `${fields.join(', ') || 'nothing'} to correct at ${tasks.length} store(s)`), rectification: { fields, tasks } };
  return tasks.some((t) => t.status === 'pending' || t.status === 'manual') ? { ...next, status: 'in-progress' } : { ...next, status: 'completed', completedAt: nowIso, outcome: rectificationOutcome(tasks) };
}

export function rectificationOutcome(tasks: readonly RectificationTask[]): string {
  const n = (s: RectificationTask['status']) => tasks.filter((t) => t.status === s).length;
  const parts = [`corrected at ${n('done')} store(s)`];
  if (n('not-applicable')) parts.push(`${n('not-applicable')} not applicable (recordings are not corrected)`);
  if (n('manual')) parts.push(`${n('manual')} to correct by hand: ${[...new Set(tasks.filter((t) => t.status === 'manual').map((t) => t.store))].join(', ')}`);
  if (n('failed')) parts.push(`${n('failed')} failed and escalated`);
  return `Rectified: ${parts.join('; ')}.`;
}

/** a round of corrections done: completed once nothing is pending or left to do by hand */
export function rectificationProgressed(r: SubjectRequest, tasks: RectificationTask[], by: string, nowIso: string): SubjectRequest {
  const next = { ...r, ...step(r, by, nowIso, 'rectification-progressed', `${tasks.filter((t) => t.status === 'pending').length} store(s) still to answer`), rectification: { fields: r.rectification?.fields ?? [], tasks } };
  return tasks.some((t) => t.status === 'pending' || t.status === 'manual') ? next : { ...next, status: 'completed', completedAt: nowIso, outcome: rectificationOutcome(tasks) };
}

/** the person is told of what was decided (a restriction lifted must be told before it is, Art 18(3)) */
export function personTold(r: SubjectRequest, how: string, by: string, nowIso: string): SubjectRequest {
  return { ...r, ...step(r, by, nowIso, 'person-told', how) };
}

export interface RequestReading {
  clock: ClockReading | null;
  /** completed in time, completed late, or still running */
  timeliness: 'running' | 'on-time' | 'late';
}

export function readRequest(r: SubjectRequest, nowIso: string): RequestReading {
  const today = londonDate(nowIso);
  const answered = r.answeredAt ?? r.completedAt;
  if (answered) {
    const c = readClock(r.clock, londonDate(answered));
    return { clock: null, timeliness: londonDate(answered) <= c.dueOn ? 'on-time' : 'late' };
  }
  return { clock: readClock(r.clock, today), timeliness: 'running' };
}
