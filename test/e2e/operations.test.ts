import { Harness, accepted } from '../support/harness';
import { callRecorded, enquiry } from '../support/events';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start(new Date('2026-03-10T10:00:00Z'));
});
afterEach(() => h.close());

const NS = 'newark-sherwood';
const NK = 'north-kesteven';
const OPS = 'ops@council';

async function recording(n: string) {
  const locs = [{ store: 'recordings-files', locator: `2026/03/${n}.wav` }, { store: '8x8', locator: `calls-${n}` }];
  for (const l of locs) await h.place(NS, l.store, l.locator);
  return accepted((await h.ingest([callRecorded(NS, `REC-${n}`, h.rt.clock.now().toISOString(), locs)]))[0]);
}

test('operations pause the disposals of a category with a dry run first, then resume them; the pause is audited and reversible', async () => {
  const a = await recording('0001');
  const b = await recording('0002');
  const pause = { controller: NS, scope: { kind: 'category' as const, category: 'call-recording' as const, from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, reason: 'operational-pause' as const, reference: 'CHG-2026-114', reviewEvery: 'P7D' };
  expect(await h.platform.dryRunHold(pause)).toEqual({ records: 2 });
  const hold = await h.platform.placeHold(pause, OPS);
  await h.advance('P41D');
  for (const r of [a, b]) expect((await h.platform.record(r.recordId))!.record).toMatchObject({ status: 'held', heldBy: [hold.id] });
  expect((await h.platform.record(a.recordId))!.explanation.because[0]).toMatch(/deletions paused by operations \(CHG-2026-114\)/);
  const out = await h.platform.reviewHold(hold.id, { decision: 'release', note: 'migration finished' }, OPS);
  expect(out.lifted).toEqual({ recordsUnheld: 2, tasksResumed: 0 });
  for (const r of [a, b]) expect((await h.platform.record(r.recordId))!.record.status).toBe('disposed');
  expect((await h.platform.audit({ targetId: hold.id, limit: 5 })).map((e) => [e.action, e.actor])).toEqual([
    ['hold.placed', OPS],
    ['hold.released', OPS],
  ]);
});

test('an operational pause delays an erasure without refusing it', async () => {
  const PERSON = { subject: { identifiers: [{ kind: 'email', value: 'kim.lee@example.org' }] } };
  await h.place(NK, 'crm', 'ENQ-OP-1');
  const e = accepted((await h.ingest([enquiry(NK, 'ENQ-OP-1', '2026-03-01T09:00:00Z', 'Library card', PERSON)]))[0]);
  const pause = await h.platform.placeHold({ controller: NK, scope: { kind: 'subject', subjectRef: e.subjectRef }, reason: 'operational-pause', reviewEvery: 'P7D' }, OPS);
  const r = await h.platform.receiveRequest({ controller: NK, kind: 'erasure', subjectRef: e.subjectRef, identityVerified: true }, 'dpo');
  expect(r.decisions).toEqual([expect.objectContaining({ decision: 'erase', article: 'Art 17(1)(b)' })]);
  expect(r.status).toBe('in-progress');
  expect((await h.platform.record(e.recordId))!.tasks.map((t) => t.status)).toEqual(['paused', 'paused']);
  expect(h.held(NK, 'crm', 'ENQ-OP-1')).toBe(true);
  const out = await h.platform.reviewHold(pause.id, { decision: 'release', note: 'incident over' }, OPS);
  expect(out.lifted).toEqual({ recordsUnheld: 0, tasksResumed: 2 });
  expect((await h.platform.request(r.id))!.status).toBe('completed');
  expect(h.held(NK, 'crm', 'ENQ-OP-1')).toBe(false);
});

test('escalated deletions are counted in a dry run, then retried once the store is back', async () => {
  const a = await recording('0003');
  h.sim.setDown(true, '503');
  // eight attempts with backoff capped at 15 minutes: escalated within a few hours of sweeps
  await h.advance('P40D');
  for (let i = 0; i < 12; i++) await h.advance('PT30M');
  let view = (await h.platform.record(a.recordId))!;
  expect(view.tasks.find((t) => t.store === '8x8')).toMatchObject({ status: 'failed' });
  expect(view.record.status).toBe('disposing');
  expect(await h.platform.retryFailed({ store: '8x8', dryRun: true }, OPS)).toEqual({ matched: 1, retried: 0, records: 1 });
  expect(await h.platform.retryFailed({ store: 'crm', dryRun: true }, OPS)).toEqual({ matched: 0, retried: 0, records: 0 });
  h.sim.setDown(false);
  expect(await h.platform.retryFailed({ store: '8x8', dryRun: false }, OPS)).toEqual({ matched: 1, retried: 1, records: 1 });
  view = (await h.platform.record(a.recordId))!;
  expect(view.record.status).toBe('disposed');
  expect(h.held(NS, '8x8', 'calls-0003')).toBe(false);
  expect((await h.platform.audit({ limit: 1000 })).filter((x) => x.action === 'deletion.retried').map((x) => x.actor)).toEqual([OPS]);
});
