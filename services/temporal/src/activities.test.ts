import type { SimulatedClock } from '@custodian/core';
import { FakeConnectorDirectory, ScriptedConnector, ev, testPlatform } from '@custodian/core/src/test-support/memory-ports';
import type { RetryPolicy } from '@custodian/workflows';
import { createSweepActivities } from './activities';

const NS = 'newark-sherwood';
const RECORDED = '2024-01-10T10:00:00Z';
const DUE = '2024-02-19T10:00:00.000Z';
const BEFORE_DUE = '2024-02-19T09:59:59.000Z';
const FAST: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 4_000 };
const LOCATOR = 'calls/07700900123/2024-01-10.wav';

/** a Newark & Sherwood call recording at 8x8 and on the council's files, registered, with the clock at its due time */
async function recording() {
  const dir = new FakeConnectorDirectory();
  const eightByEight = new ScriptedConnector(FAST, () => ({ outcome: 'deleted', detail: 'HTTP 204', reference: 'ref-1' }));
  const files = new ScriptedConnector(FAST, () => ({ outcome: 'absent', detail: 'file not found' }));
  dir.bind(NS, '8x8', eightByEight).bind(NS, 'recordings-files', files);
  const t = testPlatform({ connectors: dir });
  const [r] = await t.platform.ingest([ev.call(NS, 'REC-1', RECORDED, [{ store: '8x8', locator: LOCATOR }, { store: 'recordings-files', locator: `/secure/${LOCATOR}` }])], 'svc:8x8');
  if (r?.status !== 'accepted') throw new Error(JSON.stringify(r));
  await t.platform.project();
  const clock = t.clock as SimulatedClock;
  clock.advance(`PT${(Date.parse(DUE) - clock.now().getTime()) / 1000}S`);
  const beats = { n: 0 };
  const acts = createSweepActivities({ clock: t.clock, registry: t.ports.registry, tasks: t.ports.tasks, connectors: dir, bus: t.ports.bus, holds: t.ports.holds }, { heartbeat: () => beats.n++ });
  const rec = async () => (await t.ports.registry.get([r.recordId])).get(r.recordId)!;
  return { ...t, acts, beats, recordId: r.recordId, rec, eightByEight };
}

describe('sweep activities', () => {
  it('listDue lists what is due at the given time, with every locator withheld', async () => {
    const t = await recording();
    expect(await t.acts.listDue({ now: BEFORE_DUE, limit: 10 })).toEqual([]);
    const due = await t.acts.listDue({ now: DUE, limit: 10 });
    expect(due.map((r) => r.id)).toEqual([t.recordId]);
    expect(due[0]!.locations).toEqual([
      { store: '8x8', locator: '[withheld]' },
      { store: 'recordings-files', locator: '[withheld]' },
    ]);
    expect(JSON.stringify(due)).not.toContain('07700900123');
    expect(t.beats.n).toBeGreaterThan(0);
  });

  it('the three phases dispose a record exactly as the embedded sweep does', async () => {
    const viaActivities = await recording();
    const { acts, recordId } = viaActivities;
    expect(await acts.beginDisposal({ recordIds: [recordId], now: DUE })).toEqual({ started: [recordId], skipped: [] });
    const run = await acts.runReadyDeletions({ now: DUE });
    expect(run).toEqual({ touched: [recordId], tasksRun: 3, tasksFailed: 0 });
    expect(await acts.completeFinished({ recordIds: run.touched, now: DUE })).toEqual({ disposed: [recordId] });

    const embedded = await recording();
    expect(await embedded.platform.sweep()).toMatchObject({ started: 1, disposed: 1, tasksRun: 3 });
    const a = await viaActivities.rec();
    expect(a.status).toBe('disposed');
    // subject refs are random per platform; everything else is the same record
    expect({ ...a, subjectRef: 'x' }).toEqual({ ...(await embedded.rec()), subjectRef: 'x' });
    expect(viaActivities.ports.audit.actions()).toEqual(embedded.ports.audit.actions());
    expect(viaActivities.ports.where('07700900123')).toEqual([]);
  });

  it('beginDisposal re-decides on fresh state: a record not due at that time is skipped with the brain’s reason', async () => {
    const t = await recording();
    const b = await t.acts.beginDisposal({ recordIds: [t.recordId], now: BEFORE_DUE });
    expect(b.started).toEqual([]);
    expect(b.skipped).toEqual([{ recordId: t.recordId, reason: (await t.rec()).dueReason }]);
    expect((await t.rec()).status).toBe('active');
    expect(await t.ports.tasks.ofRecords([t.recordId])).toEqual([]);
  });

  it('beginDisposal is idempotent: a retry finds the record disposing and leaves its tasks alone', async () => {
    const t = await recording();
    await t.acts.beginDisposal({ recordIds: [t.recordId], now: DUE });
    await t.acts.runReadyDeletions({ now: DUE });
    const tasks = await t.ports.tasks.ofRecords([t.recordId]);
    expect(tasks.every((x) => x.status === 'done')).toBe(true);
    const again = await t.acts.beginDisposal({ recordIds: [t.recordId, 'rec_unknown'], now: '2024-02-19T10:05:00.000Z' });
    expect(again).toEqual({ started: [], skipped: [{ recordId: t.recordId, reason: 'already disposing' }, { recordId: 'rec_unknown', reason: 'not in the registry' }] });
    expect(await t.ports.tasks.ofRecords([t.recordId])).toEqual(tasks);
    expect((await t.rec()).disposal!.startedAt).toBe(DUE);
    expect(t.eightByEight.requests).toHaveLength(1);
  });

  it('completeLeftover completes a record an interrupted sweep left disposing with every task done', async () => {
    const t = await recording();
    await t.acts.beginDisposal({ recordIds: [t.recordId], now: DUE });
    await t.acts.runReadyDeletions({ now: DUE });
    expect((await t.rec()).status).toBe('disposing');
    expect(await t.acts.completeLeftover({ now: DUE, limit: 10 })).toEqual({ disposed: [t.recordId] });
    expect((await t.rec()).status).toBe('disposed');
    expect(await t.acts.completeLeftover({ now: DUE, limit: 10 })).toEqual({ disposed: [] });
  });
  it('beginDisposal decides with the open holds: a held record is not begun, is marked held and is not listed again', async () => {
    const t = await recording();
    const hold = await t.platform.placeHold({ controller: NS, scope: { kind: 'record', recordId: t.recordId }, reason: 'crime-or-fraud', reference: 'POLICE-2024-77', reviewEvery: 'P3M' }, 'dpo');
    const out = await t.acts.beginDisposal({ recordIds: [t.recordId], now: DUE });
    expect(out.started).toEqual([]);
    expect(out.skipped).toEqual([{ recordId: t.recordId, reason: expect.stringMatching(new RegExp(`legal hold keeps it: Held by ${hold.id} for prevention or detection of crime or fraud \\(POLICE-2024-77\\)`)) }]);
    expect(await t.rec()).toMatchObject({ status: 'held', heldBy: [hold.id] });
    expect(await t.acts.listDue({ now: DUE, limit: 10 })).toEqual([]);
    expect(await t.acts.runReadyDeletions({ now: DUE })).toEqual({ touched: [], tasksRun: 0, tasksFailed: 0 });
    expect(t.eightByEight.requests).toEqual([]);
    // released: listed and disposed again by the same phases
    await t.platform.reviewHold(hold.id, { decision: 'release', note: 'no further action' }, 'dpo');
    expect((await t.rec()).status).toBe('disposed');
  });

  it('a hold placed after disposal began pauses the deletions not yet made; a release resumes them', async () => {
    const t = await recording();
    expect((await t.acts.beginDisposal({ recordIds: [t.recordId], now: DUE })).started).toEqual([t.recordId]);
    const hold = await t.platform.placeHold({ controller: NS, scope: { kind: 'record', recordId: t.recordId }, reason: 'legal-claim', reviewEvery: 'P1M' }, 'dpo');
    expect(await t.acts.runReadyDeletions({ now: DUE })).toEqual({ touched: [], tasksRun: 0, tasksFailed: 0 });
    expect(t.eightByEight.requests).toEqual([]);
    expect((await t.ports.tasks.ofRecords([t.recordId])).map((x) => x.status)).toEqual(['paused', 'paused', 'paused']);
    const view = (await t.platform.record(t.recordId))!;
    expect(view.explanation.because.join(' ')).toMatch(/A hold placed since covers it: deletions not yet made are paused/);
    const { lifted } = await t.platform.reviewHold(hold.id, { decision: 'release', note: 'claim settled' }, 'dpo');
    expect(lifted).toEqual({ recordsUnheld: 0, tasksResumed: 3 });
    expect((await t.rec()).status).toBe('disposed');
    expect(t.ports.audit.actions()).toEqual(expect.arrayContaining(['deletion.paused', 'deletion.resumed', 'record.disposed']));
  });
});
