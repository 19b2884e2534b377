/**
 * The CLI's commands other than publish. Each returns its exit code; all I/O goes through ctx so
 * tests can run them against a real server and read what an operator would see.
 */
import { readFileSync } from 'node:fs';
import { HOLD_REASON_NAMES, type HoldScope, type PlaceHoldRequest, type SubjectIdentifier } from '@custodian/contracts';
import type { AuditEntry, AuditVerification, DeadLetterView, HoldView, IngestResult, LiftOutcome, ProcessView, RecordView, RequestView, SweepReport } from '@custodian/core';
import { describeScope, londonDate, readClock, type ClockReading, type ClockState, type PauseReason, type RecordState, type Right } from '@custodian/workflows';
import { UsageError } from './tokens';
import { EXIT, printJson, type Ctx } from './io';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const field = (label: string, value: string) => `  ${pad(label, 14)}${value}\n`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

// ---------------------------------------------------------------- records

export async function recordCommand(ctx: Ctx, id: string): Promise<number> {
  const v = await ctx.api.get<RecordView>(`/v1/records/${encodeURIComponent(id)}`);
  if (ctx.json) return printJson(ctx, v);
  const r = v.record;
  let out = `Record ${r.id} (${r.controller} · ${r.category})\n`;
  out += field('status', r.status);
  out += field('subject', r.subjectRef);
  out += field('lawful basis', r.lawfulBasis);
  out += field('policy', r.policyVersion);
  out += field('retention', v.explanation.rule);
  out += field('due', `${r.dueAt ?? 'no due time yet'}${v.explanation.due ? ' (due now)' : ''}`);
  for (const [i, b] of v.explanation.because.entries()) out += field(i === 0 ? 'because' : '', b);
  out += field('locations', r.locations.map((l) => `${l.store}: ${l.locator}`).join(', ') || 'none');
  if (r.disposal) {
    out += field('disposal', `started ${r.disposal.startedAt}, completed ${r.disposal.completedAt ?? 'not yet'}`);
    for (const rc of r.disposal.receipts) out += field('', `receipt: ${rc.store} ${rc.outcome} at ${rc.at} (${rc.detail})`);
  }
  if (v.tasks.length) {
    out += '  deletion tasks\n';
    out += table([['    store', 'status', 'attempts', 'last error'], ...v.tasks.map((t) => [`    ${t.store}`, t.status, String(t.attempts), t.lastError ?? ''])]);
  }
  ctx.io.out(out);
  return EXIT.ok;
}

export async function subjectCommand(ctx: Ctx, ref: string): Promise<number> {
  const res = await ctx.api.get<{ subjectRef: string; records: RecordState[] }>(`/v1/subjects/${encodeURIComponent(ref)}/records`);
  if (ctx.json) return printJson(ctx, res);
  if (res.records.length === 0) {
    ctx.io.out(`No records for subject ${ref}.\n`);
    return EXIT.ok;
  }
  ctx.io.out(`${res.records.length} record(s) for subject ${ref}\n`);
  ctx.io.out(table([['record', 'council', 'category', 'status', 'due'], ...res.records.map((r) => [r.id, r.controller, r.category, r.status, r.dueAt ?? '—'])]));
  return EXIT.ok;
}

// ---------------------------------------------------------------- dead letters

export async function dlqListCommand(ctx: Ctx, opts: { status?: string; limit?: number; after?: string }): Promise<number> {
  const res = await ctx.api.get<{ deadLetters: DeadLetterView[] }>('/v1/dlq', { status: opts.status, limit: opts.limit, afterId: opts.after });
  if (ctx.json) return printJson(ctx, res);
  if (res.deadLetters.length === 0) {
    ctx.io.out('No dead letters.\n');
    return EXIT.ok;
  }
  ctx.io.out(
    table([
      ['id', 'received', 'status', 'type', 'council', 'first reason'],
      ...res.deadLetters.map((d) => {
        const first = d.reasons[0];
        const more = d.reasons.length > 1 ? ` (+${d.reasons.length - 1} more)` : '';
        return [d.id, d.receivedAt, d.status, d.type ?? '—', d.controller ?? '—', first ? `${first.path}: ${first.message}${more}` : '—'];
      }),
    ]),
  );
  return EXIT.ok;
}

export async function dlqShowCommand(ctx: Ctx, id: string): Promise<number> {
  const d = await ctx.api.get<DeadLetterView>(`/v1/dlq/${encodeURIComponent(id)}`);
  if (ctx.json) return printJson(ctx, d);
  let out = `Dead letter ${d.id} (${d.status})\n`;
  out += field('received', d.receivedAt);
  out += field('event', `${d.eventId ?? '(no id)'} ${d.type ?? ''}`.trim());
  out += field('council', d.controller ?? '—');
  out += field('attempts', String(d.attempts));
  if (d.resolvedAt) out += field('resolved', `${d.resolvedAt} as ${d.resolvedEventId ?? '?'}`);
  for (const [i, r] of d.reasons.entries()) out += field(i === 0 ? 'reasons' : '', `${r.path}: ${r.message}`);
  for (const [i, c] of d.cardData.entries()) out += field(i === 0 ? 'card data' : '', `${c.path} ${c.action}`);
  out += `  original (correct it and run \`custodian dlq reprocess ${d.id} --file corrected.json\`):\n`;
  out += `${JSON.stringify(d.original, null, 2)}\n`;
  ctx.io.out(out);
  return EXIT.ok;
}

export async function dlqReprocessCommand(ctx: Ctx, id: string, opts: { file?: string }): Promise<number> {
  let body: { event: unknown } | undefined;
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${opts.file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      body = { event: JSON.parse(text) };
    } catch {
      throw new UsageError(`${opts.file} is not valid JSON; it should hold the corrected event envelope`);
    }
  }
  const { result } = await ctx.api.post<{ result: IngestResult }>(`/v1/dlq/${encodeURIComponent(id)}/reprocess`, body);
  if (ctx.json) printJson(ctx, { result });
  else if (result.status === 'accepted') ctx.io.out(`Dead letter ${id} reprocessed: event ${result.eventId} accepted as record ${result.recordId}\n`);
  else if (result.status === 'duplicate') ctx.io.out(`Dead letter ${id} reprocessed: event ${result.eventId ?? ''} was already published (duplicate)\n`);
  else {
    ctx.io.out(`Dead letter ${id} still rejected:\n`);
    for (const r of result.reasons) ctx.io.out(`  ${r.path}: ${r.message}\n`);
  }
  return result.status === 'rejected' ? EXIT.problem : EXIT.ok;
}

// ---------------------------------------------------------------- legal holds

const REVIEW_WORDS: Record<HoldView['review'], string> = { ok: 'ok', 'due-soon': 'due soon', overdue: 'OVERDUE', closed: 'released' };

export async function holdsListCommand(ctx: Ctx, opts: { status?: string; controller?: string; limit?: number }): Promise<number> {
  const res = await ctx.api.get<{ holds: HoldView[] }>('/v1/holds', { status: opts.status, controller: opts.controller, limit: opts.limit });
  if (ctx.json) return printJson(ctx, res);
  if (res.holds.length === 0) {
    ctx.io.out('No holds.\n');
    return EXIT.ok;
  }
  ctx.io.out(
    table([
      ['id', 'council', 'reason', 'scope', 'next review', 'review'],
      ...res.holds.map((h) => [h.id, h.controller, h.reason, describeScope(h.scope), h.status === 'active' ? h.nextReviewAt : '—', REVIEW_WORDS[h.review]]),
    ]),
  );
  return EXIT.ok;
}

export async function holdsShowCommand(ctx: Ctx, id: string): Promise<number> {
  const h = await ctx.api.get<HoldView>(`/v1/holds/${encodeURIComponent(id)}`);
  if (ctx.json) return printJson(ctx, h);
  let out = `Hold ${h.id} (${h.controller} · ${h.status})\n`;
  out += field('reason', `${HOLD_REASON_NAMES[h.reason]} (${h.reason})`);
  out += field('reference', h.reference ?? '—');
  out += field('scope', describeScope(h.scope));
  out += field('placed', `${h.placedAt} by ${h.placedBy}`);
  out += field('review every', h.reviewEvery);
  if (h.status === 'active') out += field('next review', `${h.nextReviewAt} (${REVIEW_WORDS[h.review]})`);
  else out += field('released', `${h.releasedAt ?? '?'} by ${h.releasedBy ?? '?'}`);
  if (!h.reviews.length) out += field('reviews', 'none yet');
  for (const [i, r] of h.reviews.entries()) out += field(i === 0 ? 'reviews' : '', `${r.at} ${r.decision} by ${r.by}: ${r.note}`);
  ctx.io.out(out);
  return EXIT.ok;
}

export interface PlaceHoldOptions {
  controller: string;
  reason: string;
  reviewEvery: string;
  reference?: string;
  record?: string;
  subject?: string;
  case?: string;
  category?: string;
  from?: string;
  to?: string;
}

const SCOPE_OPTIONS = '--record <recordId>, --subject <subjectRef>, --case <caseRef>, or --category <category> with --from <iso> and --to <iso>';

/** the one scope the options name, or why they do not name exactly one */
function holdScope(o: PlaceHoldOptions): HoldScope | string {
  const given = [o.record !== undefined && '--record', o.subject !== undefined && '--subject', o.case !== undefined && '--case', o.category !== undefined && '--category'].filter((x): x is string => !!x);
  if (given.length === 0) return `give the hold a scope: one of ${SCOPE_OPTIONS}`;
  if (given.length > 1) return `give exactly one scope, not ${given.join(' and ')}: one of ${SCOPE_OPTIONS}`;
  if (o.category === undefined && (o.from !== undefined || o.to !== undefined)) return '--from and --to go with --category <category>';
  if (o.record !== undefined) return { kind: 'record', recordId: o.record };
  if (o.subject !== undefined) return { kind: 'subject', subjectRef: o.subject };
  if (o.case !== undefined) return { kind: 'case', caseRef: o.case };
  if (o.from === undefined || o.to === undefined) return '--category needs --from <iso> and --to <iso>: the hold covers the records of that category begun in [from, to)';
  // the server validates the category and the times, and says which field is wrong
  return { kind: 'category', category: o.category as Extract<HoldScope, { kind: 'category' }>['category'], from: o.from, to: o.to };
}

export async function holdsPlaceCommand(ctx: Ctx, opts: PlaceHoldOptions): Promise<number> {
  const scope = holdScope(opts);
  if (typeof scope === 'string') {
    ctx.io.err(`holds place: ${scope}\n`);
    return EXIT.failed;
  }
  const body = {
    controller: opts.controller,
    scope,
    reason: opts.reason as PlaceHoldRequest['reason'],
    reviewEvery: opts.reviewEvery,
    ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
  } satisfies PlaceHoldRequest;
  const h = await ctx.api.post<HoldView>('/v1/holds', body);
  if (ctx.json) return printJson(ctx, h);
  ctx.io.out(`Hold ${h.id} placed for ${HOLD_REASON_NAMES[h.reason]} on ${describeScope(h.scope)}; next review ${h.nextReviewAt}\n`);
  return EXIT.ok;
}

export async function holdsReviewCommand(ctx: Ctx, id: string, opts: { keep?: boolean; release?: boolean; note: string }): Promise<number> {
  if (!!opts.keep === !!opts.release) {
    ctx.io.err('holds review: give exactly one of --keep or --release\n');
    return EXIT.failed;
  }
  const r = await ctx.api.post<{ hold: HoldView; lifted: LiftOutcome | null }>(`/v1/holds/${encodeURIComponent(id)}/review`, { decision: opts.keep ? 'keep' : 'release', note: opts.note });
  if (ctx.json) return printJson(ctx, r);
  if (r.hold.status === 'active') ctx.io.out(`Hold ${r.hold.id} kept; next review ${r.hold.nextReviewAt}\n`);
  else {
    const l = r.lifted ?? { recordsUnheld: 0, tasksResumed: 0 };
    ctx.io.out(`Hold ${r.hold.id} released: ${l.recordsUnheld} record(s) no longer held (disposed at the next sweep), ${l.tasksResumed} deletion task(s) resumed\n`);
  }
  return EXIT.ok;
}

// ---------------------------------------------------------------- subject-rights requests

const CLOCK_WORDS: Record<ClockState, string> = { running: 'running', 'due-soon': 'due soon', overdue: 'OVERDUE', paused: 'paused' };
const TIMELINESS_WORDS: Record<RequestView['reading']['timeliness'], string> = { running: 'running', 'on-time': 'completed on time', late: 'completed LATE' };

/** the clock as it stands, or as it stood on the day a completed request was completed */
function clockOf(r: RequestView): ClockReading | null {
  return r.reading.clock ?? (r.completedAt ? readClock(r.clock, londonDate(r.completedAt)) : null);
}

/** what the clock waits for while it stands still */
const waitingFor = (r: RequestView): string => r.clock.pauses.find((p) => p.to === null)?.reason ?? '?';

/** OVERDUE, due soon, running, paused (waiting for identity), or how a completed request finished */
function clockWords(r: RequestView): string {
  const c = r.reading.clock;
  // a restriction in force has been answered though it has not ended
  if (!c && !r.completedAt) return `answered ${r.reading.timeliness === 'late' ? 'LATE' : 'on time'}`;
  if (!c) return TIMELINESS_WORDS[r.reading.timeliness];
  return c.state === 'paused' ? `paused (waiting for ${waitingFor(r)})` : CLOCK_WORDS[c.state];
}

/** a running clock in words: OVERDUE, 3 day(s) late; due soon, 4 day(s) left */
const daysInWords = (c: ClockReading): string => `${CLOCK_WORDS[c.state]}, ${c.daysLeft < 0 ? `${-c.daysLeft} day(s) late` : `${c.daysLeft} day(s) left`}`;

/** one sentence on where a request now stands, for the commands that change it */
function standing(r: RequestView): string {
  const c = r.reading.clock;
  if (!c) return `${TIMELINESS_WORDS[r.reading.timeliness]}${r.outcome ? `: ${r.outcome}` : ''}`;
  if (c.state === 'paused') return `clock paused while waiting for ${waitingFor(r)}`;
  return `due ${c.dueOn} (${daysInWords(c)})`;
}

export async function requestsListCommand(ctx: Ctx, opts: { status?: string; controller?: string; subject?: string; limit?: number }): Promise<number> {
  const res = await ctx.api.get<{ requests: RequestView[] }>('/v1/requests', { status: opts.status, controller: opts.controller, subjectRef: opts.subject, limit: opts.limit });
  if (ctx.json) return printJson(ctx, res);
  if (res.requests.length === 0) {
    ctx.io.out('No requests.\n');
    return EXIT.ok;
  }
  ctx.io.out(
    table([
      ['id', 'council', 'kind', 'status', 'received', 'due', 'clock'],
      ...res.requests.map((r) => [r.id, r.controller, r.kind, r.status, r.clock.receivedOn, clockOf(r)?.dueOn ?? '—', clockWords(r)]),
    ]),
  );
  return EXIT.ok;
}

export async function requestsShowCommand(ctx: Ctx, id: string): Promise<number> {
  const r = await ctx.api.get<RequestView>(`/v1/requests/${encodeURIComponent(id)}`);
  if (ctx.json) return printJson(ctx, r);
  const c = clockOf(r);
  let out = `Request ${r.id} (${r.controller} · ${r.kind} · ${r.status})\n`;
  out += field('subject', r.subjectRef);
  out += field('received', `${r.receivedAt} by ${r.receivedBy} (day 1: ${r.clock.receivedOn})`);
  if (c) {
    const where = !r.reading.clock
      ? `completed ${r.completedAt ?? '?'}, ${r.reading.timeliness === 'late' ? 'LATE' : 'on time'}`
      : c.state === 'paused'
        ? `paused: waiting for ${waitingFor(r)}; the date moves on each day it waits`
        : daysInWords(c);
    out += field('due', `${c.dueOn} (${where})`);
    for (const [i, b] of c.because.entries()) out += field(i === 0 ? 'because' : '', b);
  }
  if (r.outcome) out += field('outcome', r.outcome);
  for (const [i, e] of r.history.entries()) out += field(i === 0 ? 'history' : '', `${e.at} ${e.action} by ${e.by}${e.note ? `: ${e.note}` : ''}`);
  if (r.decisions.length) {
    out += '  decisions\n';
    out += table([['    record', 'decision', 'article', 'reason'], ...r.decisions.map((d) => [`    ${d.recordId}`, d.decision, d.article ?? '—', d.reason])]);
  }
  const cert = r.certificate;
  if (cert) {
    out += field('certificate', `issued ${cert.issuedAt}: ${cert.summary}`);
    if (cert.stores.length) out += table([['    record', 'store', 'outcome', 'at'], ...cert.stores.map((s) => [`    ${s.recordId}`, s.store, s.outcome, s.at])]);
    else out += field('', 'no store deletions');
    for (const f of cert.failures) out += field('', `ESCALATED: ${f.recordId} at ${f.store}: ${f.lastError}`);
    out += field('key destroyed', cert.keyDestroyedAt ?? 'no: the data key is kept for the records refused');
  }
  ctx.io.out(out);
  return EXIT.ok;
}

export interface NewRequestOptions {
  controller: string;
  kind: string;
  subject?: string;
  email?: string;
  phone?: string;
  name?: string;
  dob?: string;
  postcode?: string;
  receivedAt?: string;
  identityVerified?: boolean;
}

/** the identifier options and the identifier kind each gives */
const IDENTIFIER_OPTIONS = [
  ['email', 'email'],
  ['phone', 'phone'],
  ['name', 'name'],
  ['dob', 'date-of-birth'],
  ['postcode', 'postcode'],
] as const satisfies ReadonlyArray<readonly [keyof NewRequestOptions, SubjectIdentifier['kind']]>;

const PERSON_OPTIONS = '--subject <subjectRef>, or identifiers as the council knows the person (--email, --phone, --name, --dob, --postcode)';

/** the person the options name, as the request body takes them, or why they do not name exactly one */
function requestPerson(o: NewRequestOptions): { subjectRef: string } | { identifiers: SubjectIdentifier[] } | string {
  const identifiers = IDENTIFIER_OPTIONS.filter(([opt]) => o[opt] !== undefined).map(([opt, kind]) => ({ kind, value: o[opt] as string }));
  if (o.subject !== undefined && identifiers.length) return `give either --subject or identifiers, not both: ${PERSON_OPTIONS}`;
  if (o.subject !== undefined) return { subjectRef: o.subject };
  if (!identifiers.length) return `name the person: ${PERSON_OPTIONS}`;
  return { identifiers };
}

export async function requestsNewCommand(ctx: Ctx, opts: NewRequestOptions): Promise<number> {
  const person = requestPerson(opts);
  if (typeof person === 'string') {
    ctx.io.err(`requests new: ${person}\n`);
    return EXIT.failed;
  }
  const body = {
    controller: opts.controller,
    kind: opts.kind as Right,
    ...person,
    ...(opts.receivedAt !== undefined ? { receivedAt: opts.receivedAt } : {}),
    identityVerified: !!opts.identityVerified,
  };
  const r = await ctx.api.post<RequestView>('/v1/requests', body);
  if (ctx.json) return printJson(ctx, r);
  const next = r.status === 'awaiting-identity' ? ` (confirm it with \`custodian requests confirm-identity ${r.id}\`)` : '';
  ctx.io.out(`Request ${r.id} logged: ${r.kind} for subject ${r.subjectRef} (${r.controller}), received ${r.clock.receivedOn}; ${standing(r)}${next}\n`);
  return EXIT.ok;
}

export async function requestsConfirmIdentityCommand(ctx: Ctx, id: string): Promise<number> {
  const r = await ctx.api.post<RequestView>(`/v1/requests/${encodeURIComponent(id)}/identity-confirmed`);
  if (ctx.json) return printJson(ctx, r);
  ctx.io.out(`Request ${r.id}: identity confirmed; ${standing(r)}\n`);
  return EXIT.ok;
}

export async function requestsPauseCommand(ctx: Ctx, id: string, opts: { reason: string }): Promise<number> {
  const r = await ctx.api.post<RequestView>(`/v1/requests/${encodeURIComponent(id)}/pause`, { reason: opts.reason as PauseReason });
  if (ctx.json) return printJson(ctx, r);
  ctx.io.out(`Request ${r.id}: ${standing(r)} (resume it with \`custodian requests resume ${r.id}\` when the answer comes)\n`);
  return EXIT.ok;
}

export async function requestsResumeCommand(ctx: Ctx, id: string): Promise<number> {
  const r = await ctx.api.post<RequestView>(`/v1/requests/${encodeURIComponent(id)}/resume`);
  if (ctx.json) return printJson(ctx, r);
  ctx.io.out(`Request ${r.id}: clock running again; ${standing(r)}\n`);
  return EXIT.ok;
}

export async function requestsExtendCommand(ctx: Ctx, id: string, opts: { months: string; reason: string }): Promise<number> {
  const r = await ctx.api.post<RequestView>(`/v1/requests/${encodeURIComponent(id)}/extend`, { months: Number(opts.months) as 1 | 2, reason: opts.reason });
  if (ctx.json) return printJson(ctx, r);
  ctx.io.out(`Request ${r.id} extended by ${opts.months} month(s); ${standing(r)}\n`);
  return EXIT.ok;
}

// ---------------------------------------------------------------- audit

export async function auditCommand(ctx: Ctx, opts: { after?: number; limit?: number; target?: string }): Promise<number> {
  const res = await ctx.api.get<{ entries: AuditEntry[] }>('/v1/audit', { afterSeq: opts.after, limit: opts.limit, targetId: opts.target });
  if (ctx.json) return printJson(ctx, res);
  if (res.entries.length === 0) {
    ctx.io.out('No audit entries.\n');
    return EXIT.ok;
  }
  ctx.io.out(
    table([
      ['seq', 'at', 'actor', 'action', 'target', 'reason'],
      ...res.entries.map((e) => [String(e.seq), e.at, e.actor, e.action, e.target ? `${e.target.kind}:${e.target.id}` : '—', e.reason]),
    ]),
  );
  const last = res.entries.at(-1)!;
  ctx.io.out(`(next page: custodian audit --after ${last.seq})\n`);
  return EXIT.ok;
}

export async function auditVerifyCommand(ctx: Ctx): Promise<number> {
  const v = await ctx.api.post<AuditVerification>('/v1/audit/verify');
  if (ctx.json) printJson(ctx, v);
  else if (v.ok) ctx.io.out(`Audit trail intact: ${v.entries} entries, head hash ${v.headHash ?? '(empty)'}\n`);
  else ctx.io.out(`Audit trail BROKEN at entry ${v.firstBad?.seq ?? '?'}: ${v.firstBad?.problem ?? 'unknown problem'} (${v.entries} entries)\n`);
  return v.ok ? EXIT.ok : EXIT.problem;
}

// ---------------------------------------------------------------- clock and sweep

function sweepLine(s: SweepReport): string {
  return `started ${s.started}, disposed ${s.disposed}, deletion tasks run ${s.tasksRun}, failed ${s.tasksFailed}`;
}

export async function clockCommand(ctx: Ctx): Promise<number> {
  const c = await ctx.api.get<{ now: string; simulated: boolean }>('/v1/clock');
  if (ctx.json) return printJson(ctx, c);
  ctx.io.out(`${c.now} (${c.simulated ? 'simulated clock' : 'system time'})\n`);
  return EXIT.ok;
}

export async function clockAdvanceCommand(ctx: Ctx, by: string): Promise<number> {
  const r = await ctx.api.post<{ now: string; sweep: SweepReport }>('/v1/clock/advance', { by });
  if (ctx.json) return printJson(ctx, r);
  ctx.io.out(`Clock advanced by ${by}: now ${r.now}\nSweep: ${sweepLine(r.sweep)}\n`);
  return EXIT.ok;
}

export async function replayCommand(ctx: Ctx, from: { offset?: string; time?: string }): Promise<number> {
  if ((from.offset === undefined) === (from.time === undefined)) {
    ctx.io.err('replay: give exactly one of --from-offset or --from-time\n');
    return EXIT.failed;
  }
  const body = from.offset !== undefined ? { fromOffset: Number(from.offset) } : { fromTime: from.time };
  const r = await ctx.api.post<{ fromOffset: number; replayed: number; head: number }>('/v1/replay', body);
  if (ctx.json) return printJson(ctx, r);
  ctx.io.out(`Replayed ${r.replayed} event(s) from offset ${r.fromOffset} to ${r.head}; records already up to date were left as they were\n`);
  return EXIT.ok;
}

export async function sweepCommand(ctx: Ctx): Promise<number> {
  const s = await ctx.api.post<SweepReport>('/v1/sweep');
  if (ctx.json) return printJson(ctx, s);
  ctx.io.out(`Sweep at ${s.at}: ${sweepLine(s)}\n`);
  return EXIT.ok;
}

/** the processes the platform runs or ran (retention sweeps; Temporal workflows in the distributed runtime) */
export async function processesCommand(ctx: Ctx, opts: { kind?: string; limit?: string }): Promise<number> {
  const res = await ctx.api.get<{ processes: ProcessView[] }>('/v1/processes', { kind: opts.kind, limit: opts.limit });
  if (ctx.json) return printJson(ctx, res);
  if (!res.processes.length) ctx.io.out('No processes yet.\n');
  for (const p of res.processes) {
    const summary = p.summary ? ` ${Object.entries(p.summary).map(([k, v]) => `${k} ${v}`).join(', ')}` : '';
    ctx.io.out(`${p.startedAt}  ${p.kind.padEnd(16)} ${p.status.padEnd(10)} ${p.id}${summary}\n`);
  }
  return EXIT.ok;
}
