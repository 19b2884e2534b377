import type { RetryPolicy } from '@custodian/workflows';
import { SimulatedClock, SystemClock } from './clocks';
import { ClockNotSimulatedError, NotFoundError, type IngestResult } from './platform';
import type { DeletionResult } from './ports';
import { FakeConnectorDirectory, ScriptedConnector, ev, testPlatform } from './test-support/memory-ports';

const FAST: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 4_000 };
const deleted: DeletionResult = { outcome: 'deleted', detail: 'HTTP 204' };

function allDeleting() {
  const dir = new FakeConnectorDirectory();
  const c = new ScriptedConnector(FAST, () => deleted);
  for (const [council, store] of [
    ['newark-sherwood', '8x8'],
    ['newark-sherwood', 'recordings-files'],
    ['north-kesteven', 'crm'],
    ['north-kesteven', 'telephony-recordings'],
    ['derby', 'crm'],
    ['derby', 'payments'],
  ]) dir.bind(council!, store!, c);
  return { dir, c };
}

const isAccepted = (r: IngestResult | undefined): r is Extract<IngestResult, { status: 'accepted' }> => r?.status === 'accepted';
function accepted(r: IngestResult | undefined) {
  if (!isAccepted(r)) throw new Error(`expected accepted: ${JSON.stringify(r)}`);
  return r;
}
function rejected(r: IngestResult | undefined) {
  if (r?.status !== 'rejected') throw new Error(`expected rejected: ${JSON.stringify(r)}`);
  return r;
}

describe('PlatformService end to end: registration -> advanceClock -> disposal', () => {
  it('a 40-day recording and a 7-year complaint: each disposed at its time, with receipts and a verifiable audit trail', async () => {
    const { dir, c } = allDeleting();
    const t = testPlatform({ connectors: dir });
    const rs = await t.platform.ingest(
      [
        ev.call('newark-sherwood', 'REC-1', '2024-01-10T10:00:00Z', [{ store: '8x8', locator: 'calls/REC-1.wav' }, { store: 'recordings-files', locator: 'archive/REC-1.wav' }]),
        ev.complaintOpened('north-kesteven', 'CMP-1', '2024-01-10T10:00:00Z'),
        ev.complaintClosed('north-kesteven', 'CMP-1', '2024-02-01T10:00:00Z'),
      ],
      'svc',
    );
    const rec = accepted(rs[0]).recordId;
    const cmp = accepted(rs[1]).recordId;
    await t.platform.project();

    const view = await t.platform.record(rec);
    expect(view!.explanation).toMatchObject({ status: 'active', due: false, dueAt: '2024-02-19T10:00:00.000Z', rule: 'delete P40D after trigger "occurred"', policyVersion: 'newark-sherwood@1.0.0' });
    expect(view!.tasks).toEqual([]);

    const a = await t.platform.advanceClock('P39D', 'op:alice');
    expect(a.now).toBe('2024-02-09T09:00:00.000Z');
    expect(a.sweep).toMatchObject({ started: 0, disposed: 0 });
    expect((await t.platform.record(rec))!.record.status).toBe('active');

    const b = await t.platform.advanceClock('P10D', 'op:alice');
    expect(b.now).toBe('2024-02-19T09:00:00.000Z');
    expect(b.sweep).toMatchObject({ started: 0 });
    const d = await t.platform.advanceClock('PT1H', 'op:alice');
    expect(d.sweep).toEqual({ at: '2024-02-19T10:00:00.000Z', started: 1, disposed: 1, tasksRun: 3, tasksFailed: 0 });

    const done = (await t.platform.record(rec))!;
    expect(done.record.status).toBe('disposed');
    expect(done.record.disposal!.receipts.map((x) => [x.store, x.outcome])).toEqual([
      ['8x8', 'deleted'],
      ['custodian-event-log', 'deleted'],
      ['recordings-files', 'deleted'],
    ]);
    expect(done.tasks.map((x) => x.status)).toEqual(['done', 'done', 'done']);
    expect(done.explanation).toMatchObject({ status: 'disposed', due: false });
    expect(done.explanation.because[0]).toContain('2024-02-19T10:00:00.000Z');
    expect((await t.platform.record(cmp))!.record.status).toBe('active');

    // seven years after the complaint closed
    const late = await t.platform.advanceClock('P7Y', 'op:alice');
    expect(late.sweep).toMatchObject({ started: 1, disposed: 1 });
    expect((await t.platform.record(cmp))!.record.status).toBe('disposed');
    expect(c.requests.map((r) => r.store).sort()).toEqual(['8x8', 'crm', 'recordings-files']);

    const clockAudit = t.ports.audit.entries.filter((e) => e.action === 'clock.advanced');
    expect(clockAudit).toHaveLength(4);
    expect(clockAudit[0]).toMatchObject({ actor: 'op:alice', target: { kind: 'clock', id: 'simulated' }, details: { from: '2024-01-01T09:00:00.000Z', to: '2024-02-09T09:00:00.000Z' } });
    expect(await t.platform.verifyAudit()).toMatchObject({ ok: true, entries: t.ports.audit.entries.length });
    expect((await t.platform.audit({ limit: 100, targetId: rec })).map((e) => e.action)).toEqual(['record.registered', 'disposal.started', 'record.disposed']);
    // every event's sealed copy is gone from the log
    expect(t.ports.bus.log.every((e) => e.sealed === null)).toBe(true);
    expect(await t.platform.subjectRecords(accepted(rs[0]).subjectRef)).toHaveLength(1);
  });

  it('advanceClock projects first, so events ingested just before are disposed in the same call', async () => {
    const { dir } = allDeleting();
    const t = testPlatform({ connectors: dir });
    const [r] = await t.platform.ingest([ev.call('newark-sherwood', 'REC-9', '2024-01-01T08:00:00Z', [{ store: '8x8', locator: 'x' }])], 'svc');
    const out = await t.platform.advanceClock('P41D', 'op');
    expect(out.sweep).toMatchObject({ started: 1, disposed: 1 });
    expect((await t.platform.record(accepted(r).recordId))!.record.status).toBe('disposed');
  });

  it('advanceClock throws ClockNotSimulatedError with a SystemClock, and audits nothing', async () => {
    const t = testPlatform({ clock: new SystemClock() });
    await expect(t.platform.advanceClock('P40D', 'op')).rejects.toBeInstanceOf(ClockNotSimulatedError);
    await expect(t.platform.advanceClock('P40D', 'op')).rejects.toThrow(/simulated-clock/);
    expect(t.ports.audit.entries).toHaveLength(0);
  });

  it('advanceClock persists the simulated offset', async () => {
    const saved: number[] = [];
    const t = testPlatform({ clock: new SimulatedClock({ frozenAt: new Date('2024-01-01T00:00:00Z'), persist: (ms) => saved.push(ms) }) });
    await t.platform.advanceClock('P40D', 'op');
    expect(saved).toEqual([40 * 86_400_000]);
  });

  it('a late event for a disposed record is ignored (the record never comes back) and audited', async () => {
    const { dir } = allDeleting();
    const t = testPlatform({ connectors: dir });
    const [r] = await t.platform.ingest([ev.complaintOpened('north-kesteven', 'CMP-1', '2024-01-10T10:00:00Z'), ev.complaintClosed('north-kesteven', 'CMP-1', '2024-01-11T10:00:00Z')], 'svc');
    await t.platform.advanceClock('P8Y', 'op');
    const id = accepted(r).recordId;
    expect((await t.platform.record(id))!.record.status).toBe('disposed');
    await t.platform.ingest([{ ...ev.complaintClosed('north-kesteven', 'CMP-1', '2031-06-01T10:00:00Z'), type: 'complaint.updated', payload: { complaintRef: 'CMP-1', reopened: true, note: 'Pat Jones rang again' } }], 'svc');
    await t.platform.project();
    const after = (await t.platform.record(id))!.record;
    expect(after.status).toBe('disposed');
    expect(after.lifecycle.events).toBe(2);
    const ignored = t.ports.audit.entries.find((e) => e.action === 'event.ignored')!;
    expect(ignored).toMatchObject({ target: { kind: 'record', id } });
    expect(ignored.reason).toMatch(/disposed/);
  });

  // Regression: a late event for a disposed record used to leave its sealed copy in the log for good,
  // under a record whose receipt says the log's copy was deleted. The projector now purges it.
  it('the sealed copy of a late event for a disposed record does not stay in the event log', async () => {
    const { dir } = allDeleting();
    const t = testPlatform({ connectors: dir });
    const [r] = await t.platform.ingest([ev.complaintOpened('north-kesteven', 'CMP-1', '2024-01-10T10:00:00Z'), ev.complaintClosed('north-kesteven', 'CMP-1', '2024-01-11T10:00:00Z')], 'svc');
    await t.platform.advanceClock('P8Y', 'op');
    const id = accepted(r).recordId;
    expect((await t.platform.record(id))!.record.status).toBe('disposed');
    await t.platform.ingest([{ ...ev.complaintClosed('north-kesteven', 'CMP-1', '2031-06-01T10:00:00Z'), type: 'complaint.updated', payload: { complaintRef: 'CMP-1', note: 'Pat Jones rang again' } }], 'svc');
    await t.platform.project();
    await t.platform.sweep();
    const stillSealed = (await t.ports.bus.eventsOfRecord(id)).filter((e) => e.sealed !== null).map((e) => e.type);
    expect(stillSealed).toEqual([]);
  });
});

describe('PlatformService dead letters', () => {
  it('shows a dead letter with its original opened for an operator', async () => {
    const t = testPlatform();
    const bad = { ...ev.complaintOpened('north-kesteven', 'CMP-1', '2024-01-10T10:00:00Z'), occurredAt: 'last Tuesday' };
    const r = rejected((await t.platform.ingest([bad], 'svc'))[0]);
    const v = (await t.platform.deadLetter(r.deadLetterId))!;
    expect(v.original).toEqual(bad);
    expect(v).not.toHaveProperty('sealed');
    expect(v.reasons.map((x) => x.path)).toEqual(['occurredAt']);
    expect((await t.platform.deadLetters({ status: 'open', limit: 10 })).map((x) => x.id)).toEqual([r.deadLetterId]);
    expect(await t.platform.deadLetter('dlq_nope')).toBeUndefined();
  });

  it("a dead letter whose key was destroyed shows its original as '[erased]'", async () => {
    const t = testPlatform();
    const r = rejected((await t.platform.ingest([{ eventId: 'evt-erase-me-1', hello: 'Pat Jones' }], 'svc'))[0]);
    await t.ports.vault.destroy(`dlq:${r.deadLetterId}`);
    t.sealer.forget(`dlq:${r.deadLetterId}`);
    expect((await t.platform.deadLetter(r.deadLetterId))!.original).toBe('[erased]');
  });

  it('reprocess with a corrected event: status reprocessed, the record is registered', async () => {
    const t = testPlatform();
    const good = ev.complaintOpened('north-kesteven', 'CMP-1', '2024-01-10T10:00:00Z');
    const r = rejected((await t.platform.ingest([{ ...good, occurredAt: '10/01/2024' }], 'svc'))[0]);
    const out = await t.platform.reprocess(r.deadLetterId, good, 'op:bob');
    const a = accepted(out);
    expect(a.eventId).toBe(good.eventId);
    const dl = (await t.ports.deadLetters.get(r.deadLetterId))!;
    expect(dl).toMatchObject({ status: 'reprocessed', attempts: 2, resolvedEventId: good.eventId, resolvedAt: '2024-01-01T09:00:00.000Z' });
    expect(await t.ports.deadLetters.count('open')).toBe(0);
    const rec = (await t.platform.record(a.recordId))!;
    expect(rec.record).toMatchObject({ status: 'active', controller: 'north-kesteven', category: 'complaint' });
    const audit = t.ports.audit.entries.find((e) => e.action === 'dead-letter.reprocessed')!;
    expect(audit).toMatchObject({ actor: 'op:bob', target: { kind: 'dead-letter', id: r.deadLetterId }, reason: 'reprocessed with a corrected event', details: { outcome: 'accepted', eventId: good.eventId } });
    // it cannot be reprocessed twice
    await expect(t.platform.reprocess(r.deadLetterId, good, 'op:bob')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reprocess without correction of a still-bad event: stays open with attempts 2 and no new dead letter', async () => {
    const t = testPlatform();
    const r = rejected((await t.platform.ingest([ev.complaintOpened('rutland', 'CMP-1', '2024-01-10T10:00:00Z')], 'svc'))[0]);
    const out = rejected(await t.platform.reprocess(r.deadLetterId, undefined, 'op:bob'));
    expect(out.deadLetterId).toBe(r.deadLetterId);
    expect(out.reasons.map((x) => x.path)).toEqual(['controller']);
    expect(t.ports.deadLetters.entries).toHaveLength(1);
    const dl = (await t.ports.deadLetters.get(r.deadLetterId))!;
    expect(dl).toMatchObject({ status: 'open', attempts: 2, resolvedAt: null, resolvedEventId: null });
    expect(t.ports.audit.actions()).toEqual(['event.rejected', 'event.rejected-again']);
    // its original still opens (re-sealed under the dead letter's own key)
    expect((await t.platform.deadLetter(r.deadLetterId))!.original).toMatchObject({ controller: 'rutland' });
    // and a third try counts again
    await t.platform.reprocess(r.deadLetterId, undefined, 'op:bob');
    expect((await t.ports.deadLetters.get(r.deadLetterId))!.attempts).toBe(3);
  });

  it('reprocess of an unknown dead letter is NotFound', async () => {
    const t = testPlatform();
    await expect(t.platform.reprocess('dlq_missing', undefined, 'op')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a dead letter from a truncate pack, once corrected, is accepted without the PAN ever being stored', async () => {
    const t = testPlatform();
    const bad = ev.payment('derby', 'PAY-1', '2024-01-10T10:00:00Z', 'card 4111 1111 1111 1111', { locations: [{ store: 'crm', locator: 'PAY-1' }] });
    const r = rejected((await t.platform.ingest([bad], 'svc'))[0]);
    const original = (await t.platform.deadLetter(r.deadLetterId))!.original as typeof bad & { payload: { reference: string } };
    expect(original.payload.reference).toBe('card 411111******1111');
    const fixed = { ...original, locations: [{ store: 'payments', locator: 'PAY-1' }] };
    accepted(await t.platform.reprocess(r.deadLetterId, fixed, 'op'));
    expect(t.ports.where('4111111111111111')).toEqual([]);
    expect(t.ports.where('4111 1111 1111 1111')).toEqual([]);
  });
});

describe('PlatformService overview and tokens', () => {
  it('summarises counts, dead letters, audit head and councils', async () => {
    const t = testPlatform();
    await t.platform.ingest([ev.complaintOpened('north-kesteven', 'CMP-1', '2024-01-10T10:00:00Z'), ev.call('newark-sherwood', 'REC-1', '2023-11-25T10:00:00Z', [{ store: '8x8', locator: 'x' }]), { bad: true }], 'svc');
    await t.platform.project();
    const o = await t.platform.overview();
    expect(o.now).toBe('2024-01-01T09:00:00.000Z');
    expect(o.simulatedClock).toBe(true);
    expect(o.deadLetters.open).toBe(1);
    expect(o.deadLetters.latest).toHaveLength(1);
    expect(o.deadLetters.latest[0]!.original).toEqual({ bad: true });
    expect(o.audit).toEqual({ entries: t.ports.audit.entries.length, headHash: t.ports.audit.entries.at(-1)!.hash });
    expect(o.councils.map((c) => c.id).sort()).toEqual(['derby', 'durham', 'newark-sherwood', 'north-kesteven', 'nottinghamshire']);
    expect(o.stats.byControllerCategoryStatus).toEqual([
      { controller: 'newark-sherwood', category: 'call-recording', status: 'active', count: 1 },
      { controller: 'north-kesteven', category: 'complaint', status: 'active', count: 1 },
    ]);
    // the recording (due 3 Jan 2024) is due within the week
    expect(o.stats.dueSoon.map((r) => r.category)).toEqual(['call-recording']);
  });

  /*
   * Regression (found by this suite, fixed): Overview.deadLetters.latest (shown by the status page as
   * the dead-letter list) is `deadLetters({ status: 'open', limit: 10 })`, and DeadLetterStore.list pages
   * oldest first (afterId paging; the SQLite adapter orders by insertion). With more than ten open dead
   * letters the newest failures never appear. Fix: give the list query a newest-first option (e.g.
   * `order: 'newest'` on DeadLetterStore.list, ORDER BY n DESC in the adapters) and use it in overview().
   */
  it('overview lists the latest open dead letters, not the oldest', async () => {
    const t = testPlatform();
    for (let i = 0; i < 12; i++) await t.platform.ingest([{ bad: i }], 'svc');
    const newest = t.ports.deadLetters.entries.at(-1)!.id;
    const o = await t.platform.overview();
    expect(o.deadLetters.open).toBe(12);
    expect(o.deadLetters.latest.map((d) => d.id)).toContain(newest);
  });

  it('exposes the token port: issued tokens verify, others do not', async () => {
    const t = testPlatform();
    const tok = await t.platform.tokens.issue('dpo-1', ['dpo']);
    expect(await t.platform.tokens.verify(tok)).toEqual({ name: 'dpo-1', roles: ['dpo'] });
    expect(await t.platform.tokens.verify(`${tok}x`)).toBeNull();
    expect(t.ports.where(tok)).toEqual([]);
  });
});

describe('processes (the embedded runtime runs its sweeps in process)', () => {
  it('lists the latest sweeps newest first with what each did', async () => {
    const t = testPlatform();
    await t.platform.ingest([ev.enquiry('derby', 'ENQ-P', '2021-01-01T09:00:00Z')], 'svc');
    await t.platform.project();
    await t.platform.sweep();
    // idle sweeps after it: only the latest of them stays listed
    await t.platform.sweep();
    await t.platform.sweep();
    const ps = await t.platform.processes({ limit: 10 });
    expect(ps.map((p) => p.summary?.started)).toEqual([0, 1]);
    expect(ps[1]).toMatchObject({ kind: 'retention-sweep', status: 'completed', summary: { started: 1 } });
    expect(await t.platform.processes({ kind: 'erasure', limit: 10 })).toEqual([]);
    expect(await t.platform.processes({ limit: 1 })).toHaveLength(1);
  });
});
