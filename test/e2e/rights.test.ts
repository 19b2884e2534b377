import { Harness, accepted } from '../support/harness';
import { callRecorded, complaint, envelope, enquiry } from '../support/events';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start(new Date('2026-03-10T10:00:00Z'));
});
afterEach(() => h.close());

const DPO = 'dpo@council';
const who = (email: string) => ({ subject: { identifiers: [{ kind: 'email', value: email }] } });

test('restriction: the data is only stored (kept past its due time) until the restriction is lifted, the person told first', async () => {
  const NS = 'newark-sherwood';
  const locs = [{ store: 'recordings-files', locator: '2026/03/R1.wav' }];
  await h.place(NS, 'recordings-files', locs[0]!.locator);
  const rec = accepted((await h.ingest([callRecorded(NS, 'REC-R1', '2026-03-10T09:00:00Z', locs, who('ruth@example.org'))]))[0]);
  const r = await h.platform.receiveRequest({ controller: NS, kind: 'restriction', subjectRef: rec.subjectRef, identityVerified: true }, DPO);
  expect(r).toMatchObject({ status: 'in-progress', outcome: expect.stringMatching(/^restricted: the data is only stored/) });
  // in force, the request is answered: its clock no longer runs towards overdue
  expect(r.reading).toEqual({ clock: null, timeliness: 'on-time' });
  await h.advance('P41D');
  const view = (await h.platform.record(rec.recordId))!;
  expect(view.record).toMatchObject({ status: 'held', heldBy: [r.holdId] });
  expect(view.explanation.because[0]).toMatch(/processing restricted at the person's request \(Art 18\)/);
  await expect(h.platform.completeRequest(r.id, 'done', DPO)).rejects.toThrow(/ends by lifting it/);
  const lifted = await h.platform.liftRestriction(r.id, 'letter of 21 April', DPO);
  expect(lifted.history.map((x) => x.action).slice(-2)).toEqual(['person-told', 'completed']);
  expect(lifted.outcome).toBe('Restriction lifted; the person was told (letter of 21 April).');
  expect((await h.platform.record(rec.recordId))!.record.status).toBe('disposed');
});

test('withdrawal of consent erases consent-based records and leaves a public-task complaint unaffected, saying why', async () => {
  const NK = 'north-kesteven';
  await h.place(NK, 'crm', 'ENQ-C-1');
  const e = accepted((await h.ingest([enquiry(NK, 'ENQ-C-1', '2026-03-01T09:00:00Z', 'Recycling', who('cal@example.org'))]))[0]);
  const c = accepted((await h.ingest([complaint('opened', NK, 'CMP-C-1', '2026-03-02T09:00:00Z', who('cal@example.org'))]))[0]);
  const r = await h.platform.receiveRequest({ controller: NK, kind: 'consent-withdrawal', subjectRef: e.subjectRef, identityVerified: true }, DPO);
  expect(r.status).toBe('completed');
  expect(r.outcome).toBe('Consent withdrawn: 1 record(s) to erase; 1 refused (Art 7(3) not applicable).');
  expect(r.decisions.find((d) => d.recordId === c.recordId)!.reason).toMatch(/^Unaffected: held on 6\(1\)\(e\) public task, not on consent/);
  expect((await h.platform.record(e.recordId))!.record.status).toBe('disposed');
  expect((await h.platform.record(c.recordId))!.record.status).toBe('active');
  expect(h.held(NK, 'crm', 'ENQ-C-1')).toBe(false);
});

test('objection: restricted while assessed; upheld, the legitimate-interests and public-task records are erased; not upheld, processing continues', async () => {
  const DERBY = 'derby';
  await h.place(DERBY, 'visitor-system', 'VIS-O-1');
  const visit = accepted(
    (await h.ingest([envelope('visitor.signed-in', DERBY, 'visitor-log', '2026-03-09T09:00:00Z', { visitId: 'VIS-O-1', site: 'Council House', visitorName: 'Olu Ade' }, { locations: [{ store: 'visitor-system', locator: 'VIS-O-1' }], ...who('olu@example.org') })]))[0],
  );
  const o = await h.platform.receiveRequest({ controller: DERBY, kind: 'objection', subjectRef: visit.subjectRef, identityVerified: true }, DPO);
  expect(o).toMatchObject({ status: 'in-progress', outcome: 'restricted while the objection is assessed (Art 18(1)(d))' });
  // the visitor log (3 months) falls due while the objection is assessed: kept
  await h.advance('P3M');
  expect((await h.platform.record(visit.recordId))!.record.status).toBe('held');
  const upheld = await h.platform.decideObjection(o.id, { upheld: true, reason: 'no compelling grounds to keep visitor logs beyond the visit' }, DPO);
  expect(upheld.status).toBe('completed');
  expect(upheld.decisions).toEqual([expect.objectContaining({ recordId: visit.recordId, decision: 'erase', article: 'Art 17(1)(c)' })]);
  expect(upheld.certificate!.stores.map((s) => s.store).sort()).toEqual(['custodian-event-log', 'visitor-system']);
  expect(h.held(DERBY, 'visitor-system', 'VIS-O-1')).toBe(false);

  const enq = accepted((await h.ingest([enquiry(DERBY, 'ENQ-O-2', h.rt.clock.now().toISOString(), 'Parking', who('pia@example.org'))]))[0]);
  const o2 = await h.platform.receiveRequest({ controller: DERBY, kind: 'objection', subjectRef: enq.subjectRef, identityVerified: true }, DPO);
  const rejected = await h.platform.decideObjection(o2.id, { upheld: false, reason: 'needed to deal with the enquiry under the council\'s statutory duties' }, DPO);
  expect(rejected).toMatchObject({ status: 'completed', outcome: "Objection not upheld: needed to deal with the enquiry under the council's statutory duties. Processing continues." });
  expect((await h.platform.record(enq.recordId))!.record.status).toBe('active');
  expect((await h.platform.hold(o2.holdId!))!.status).toBe('released');
});
