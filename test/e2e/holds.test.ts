import { Harness, accepted } from '../support/harness';
import { callRecorded, complaint } from '../support/events';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start(new Date('2026-01-05T09:00:00Z'));
});
afterEach(() => h.close());

const NS = 'newark-sherwood';
const DPO = 'dpo@newark-sherwood';
const locations = (n: string) => [
  { store: '8x8', locator: `calls-07700900123-${n}` },
  { store: 'recordings-files', locator: `2026/01/07700900123-${n}.wav` },
];

async function recording(n: string, linkedCaseRef?: string) {
  const at = h.rt.clock.now().toISOString();
  const locs = locations(n);
  for (const l of locs) await h.place(NS, l.store, l.locator);
  const ev = callRecorded(NS, `REC-${n}`, at, locs);
  if (linkedCaseRef) (ev.payload as Record<string, unknown>).linkedCaseRef = linkedCaseRef;
  return accepted((await h.ingest([ev]))[0]);
}
const everywhere = (n: string) => locations(n).map((l) => h.held(NS, l.store, l.locator));
const status = async (id: string) => (await h.platform.record(id))!.record.status;

test('a recording kept under a complaint hold past 40 days is reviewed, released, then deleted everywhere', async () => {
  const { recordId } = await recording('0001', 'NS-CMP-0042');
  const hold = await h.platform.placeHold({ controller: NS, scope: { kind: 'case', caseRef: 'NS-CMP-0042' }, reason: 'complaint-investigation', reference: 'NS-CMP-0042', reviewEvery: 'P30D' }, DPO);
  expect(hold).toMatchObject({ status: 'active', nextReviewAt: '2026-02-04T09:00:00.000Z', review: 'ok' });

  // the recording falls due at 40 days and is kept: the sweep holds it, names the hold, deletes nothing
  await h.advance('P41D');
  let view = (await h.platform.record(recordId))!;
  expect(view.record).toMatchObject({ status: 'held', heldBy: [hold.id] });
  expect(view.explanation.holds).toEqual([{ id: hold.id, reason: 'complaint-investigation', reference: 'NS-CMP-0042', nextReviewAt: '2026-02-04T09:00:00.000Z', review: 'overdue' }]);
  expect(view.explanation.because[0]).toMatch(/Retention has ended, but a legal hold keeps it: Held by hold_\S+ for complaint investigation \(NS-CMP-0042\)/);
  expect(everywhere('0001')).toEqual([true, true]);
  expect(h.sim.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);

  // the review is overdue and shows so on the dashboard; the DPO keeps it for another 30 days
  expect((await h.platform.overview()).holds).toMatchObject({ open: 1, reviewsOverdue: 1, attention: [{ id: hold.id, review: 'overdue' }] });
  const kept = await h.platform.reviewHold(hold.id, { decision: 'keep', note: 'investigation still open at stage 2' }, DPO);
  expect(kept).toMatchObject({ hold: { status: 'active', nextReviewAt: '2026-03-17T09:00:00.000Z', review: 'ok' }, lifted: null });

  // more sweeps, a restart: still kept
  await h.restart();
  await h.advance('P10D');
  expect(await status(recordId)).toBe('held');
  expect(everywhere('0001')).toEqual([true, true]);

  // released: disposed within the same call's sweep, at every store, with the hold in its audit trail
  const released = await h.platform.reviewHold(hold.id, { decision: 'release', note: 'complaint closed, no appeal' }, DPO);
  expect(released).toMatchObject({ hold: { status: 'released', releasedBy: DPO, review: 'closed' }, lifted: { recordsUnheld: 1, tasksResumed: 0 } });
  view = (await h.platform.record(recordId))!;
  expect(view.record.status).toBe('disposed');
  expect(everywhere('0001')).toEqual([false, false]);
  expect(view.record.disposal!.receipts.map((r) => r.store)).toEqual(['8x8', 'custodian-event-log', 'recordings-files']);
  const trail = await h.platform.audit({ targetId: recordId, limit: 20 });
  expect(trail.map((e) => e.action)).toEqual(['record.registered', 'disposal.held', 'record.hold-lifted', 'disposal.started', 'record.disposed']);
  const holdTrail = await h.platform.audit({ targetId: hold.id, limit: 20 });
  expect(holdTrail.map((e) => [e.action, e.actor])).toEqual([
    ['hold.placed', DPO],
    ['hold.reviewed', DPO],
    ['hold.released', DPO],
  ]);
  // the reviewer's notes stay with the hold, never in the unerasable audit log
  expect(JSON.stringify(holdTrail)).not.toContain('no appeal');
  expect((await h.platform.hold(hold.id))!.reviews.map((r) => r.note)).toEqual(['investigation still open at stage 2', 'complaint closed, no appeal']);
  expect((await h.platform.verifyAudit()).ok).toBe(true);
});

test('holds stack: a record is disposed only when the last hold covering it is released', async () => {
  const { recordId, subjectRef } = await recording('0002', 'NS-CMP-0050');
  const other = await recording('0003');
  const byCase = await h.platform.placeHold({ controller: NS, scope: { kind: 'case', caseRef: 'NS-CMP-0050' }, reason: 'complaint-investigation', reviewEvery: 'P1M' }, DPO);
  const bySubject = await h.platform.placeHold({ controller: NS, scope: { kind: 'subject', subjectRef }, reason: 'staff-protection', reference: 'INC-2026-7', reviewEvery: 'P3M' }, DPO);

  await h.advance('P41D');
  // the same caller made both recordings: the subject hold keeps both; only the first is under the case hold too (placed at the same time: listed by id)
  expect((await h.platform.record(recordId))!.record.heldBy).toEqual([byCase.id, bySubject.id].sort());
  expect((await h.platform.record(other.recordId))!.record.heldBy).toEqual([bySubject.id]);

  await h.platform.reviewHold(byCase.id, { decision: 'release', note: 'complaint resolved' }, DPO);
  expect((await h.platform.record(recordId))!.record).toMatchObject({ status: 'held', heldBy: [bySubject.id] });
  expect(everywhere('0002')).toEqual([true, true]);

  const out = await h.platform.reviewHold(bySubject.id, { decision: 'release', note: 'incident closed' }, DPO);
  expect(out.lifted).toEqual({ recordsUnheld: 2, tasksResumed: 0 });
  expect(await status(recordId)).toBe('disposed');
  expect(await status(other.recordId)).toBe('disposed');
  expect([...everywhere('0002'), ...everywhere('0003')]).toEqual([false, false, false, false]);
});

test('a category hold over a date range keeps the records begun in it and no others', async () => {
  const early = await recording('0004');
  await h.advance('P2D');
  const inside = await recording('0005');
  await h.platform.placeHold({ controller: NS, scope: { kind: 'category', category: 'call-recording', from: '2026-01-06T00:00:00Z', to: '2026-01-08T00:00:00Z' }, reason: 'legal-claim', reviewEvery: 'P6M' }, DPO);
  await h.advance('P41D');
  expect(await status(early.recordId)).toBe('disposed');
  expect(await status(inside.recordId)).toBe('held');
});

test('a hold on a record not yet due says so, and a complaint of another council is not touched by it', async () => {
  const { recordId } = await recording('0006', 'NS-CMP-0060');
  const nk = accepted((await h.ingest([complaint('opened', 'north-kesteven', 'NS-CMP-0060', '2026-01-05T09:00:00Z')]))[0]);
  await h.platform.placeHold({ controller: NS, scope: { kind: 'case', caseRef: 'NS-CMP-0060' }, reason: 'ombudsman', reviewEvery: 'P3M' }, DPO);
  const view = (await h.platform.record(recordId))!;
  expect(view.record.status).toBe('active');
  expect(view.explanation.because[1]).toMatch(/When it falls due it will still be kept while a hold is open: Held by hold_\S+ for Ombudsman investigation/);
  expect((await h.platform.record(nk.recordId))!.explanation.holds).toEqual([]);
});

test('a hold for a council Custodian does not serve, or a category it does not hold, is refused with the reason', async () => {
  await expect(h.platform.placeHold({ controller: 'gotham', scope: { kind: 'case', caseRef: 'X-1' }, reason: 'legal-claim', reviewEvery: 'P1M' }, DPO)).rejects.toThrow(/no policy pack for council "gotham"/);
  await expect(
    h.platform.placeHold({ controller: NS, scope: { kind: 'category', category: 'equalities-monitoring', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, reason: 'legal-claim', reviewEvery: 'P1M' }, DPO),
  ).rejects.toThrow(/newark-sherwood does not hold equalities-monitoring records/);
});
