import { Harness, accepted } from '../support/harness';
import { callRecorded, envelope, enquiry } from '../support/events';

let h: Harness;
afterEach(() => h.close());

const DPO = 'dpo@council';
const DERBY = 'derby';
const NS = 'newark-sherwood';
const PERSON = [{ kind: 'email' as const, value: 'alex.smith@example.org' }];
const who = { subject: { identifiers: PERSON } };

test('a subject access request due on a weekend: everything held, decrypted, another person withheld; no purge while it is open', async () => {
  // Thursday 30 April 2026: one month on is Saturday 30 May, so the request is due Monday 1 June
  h = await Harness.start(new Date('2026-04-30T09:00:00Z'));
  await h.place(DERBY, 'visitor-system', 'VIS-1');
  const visit = accepted(
    (
      await h.ingest([
        envelope('visitor.signed-in', DERBY, 'visitor-log', '2026-02-10T09:00:00Z', { visitId: 'VIS-1', site: 'Council House', visitorName: 'Alex Smith', hostName: 'Jo Bloggs (Revenues)' }, { locations: [{ store: 'visitor-system', locator: 'VIS-1' }], ...who }),
      ])
    )[0],
  );
  const enq = accepted((await h.ingest([enquiry(DERBY, 'ENQ-D-1', '2026-04-20T09:00:00Z', 'Asked about a missed bin', who)]))[0]);

  const r = await h.platform.receiveRequest({ controller: DERBY, kind: 'access', identifiers: PERSON, identityVerified: true }, DPO);
  expect(r.reading.clock).toMatchObject({ dueOn: '2026-06-01', state: 'running' });
  expect(r.reading.clock!.because.at(-1)).toBe('2026-05-30 is a weekend or bank holiday: due the next working day, 2026-06-01.');

  const pkg = await h.platform.accessPackage(r.id);
  expect(pkg.records.map((x) => x.recordId).sort()).toEqual([visit.recordId, enq.recordId].sort());
  const visitRec = pkg.records.find((x) => x.recordId === visit.recordId)!;
  expect(visitRec).toMatchObject({ lawfulBasis: '6(1)(f) legitimate interests', retention: 'P3M from when it was recorded' });
  expect(visitRec.events[0]!.identifiers).toEqual(PERSON);
  expect(visitRec.events[0]!.data).toMatchObject({ visitorName: 'Alex Smith', hostName: '[withheld: names another person]' });
  expect(JSON.stringify(pkg)).not.toContain('Jo Bloggs');
  expect(pkg.withheld).toEqual([{ recordId: visit.recordId, eventId: expect.any(String), path: 'payload.hostName', reason: expect.stringMatching(/Art 15\(4\)/) }]);
  expect(pkg.review.map((x) => x.path)).toEqual(['payload.summary']);

  // the visitor log falls due (3 months) while the request is open: the hold the request placed keeps it
  await h.advance('P1M');
  expect((await h.platform.record(visit.recordId))!.record).toMatchObject({ status: 'held', heldBy: [r.holdId] });
  expect(h.held(DERBY, 'visitor-system', 'VIS-1')).toBe(true);
  expect((await h.platform.record(visit.recordId))!.explanation.because[0]).toMatch(/open subject access request/);

  // answered on time: the hold goes and the overdue visitor log is disposed at once
  const done = await h.platform.completeRequest(r.id, 'export sent by secure email', DPO);
  expect(done).toMatchObject({ status: 'completed', reading: { timeliness: 'on-time' } });
  expect((await h.platform.record(visit.recordId))!.record.status).toBe('disposed');
  expect(h.held(DERBY, 'visitor-system', 'VIS-1')).toBe(false);
});

test('a request waiting for identity shows a paused clock and its deadline moves by the days waited', async () => {
  h = await Harness.start(new Date('2026-03-10T10:00:00Z'));
  accepted((await h.ingest([enquiry(DERBY, 'ENQ-D-2', '2026-03-01T09:00:00Z', 'Council tax', who)]))[0]);
  const r = await h.platform.receiveRequest({ controller: DERBY, kind: 'access', identifiers: PERSON, identityVerified: false }, DPO);
  expect(r.status).toBe('awaiting-identity');
  await expect(h.platform.accessPackage(r.id)).rejects.toThrow(/nothing is disclosed before it is confirmed/);
  await h.advance('P6D');
  expect((await h.platform.request(r.id))!.reading.clock).toMatchObject({ state: 'paused', pausedDays: 6 });
  expect((await h.platform.overview()).requests).toMatchObject({ open: 1, overdue: 0, attention: [{ id: r.id }] });
  const ok = await h.platform.confirmIdentity(r.id, DPO);
  // 10 April + 6 days = 16 April
  expect(ok.reading.clock).toMatchObject({ state: 'running', dueOn: '2026-04-16', pausedDays: 6 });
  await h.advance('P40D');
  expect((await h.platform.request(r.id))!.reading.clock).toMatchObject({ state: 'overdue' });
  expect((await h.platform.overview()).requests.overdue).toBe(1);
});

test('a portability request is refused for public-task data with the reason, and includes consent data', async () => {
  h = await Harness.start(new Date('2026-03-10T10:00:00Z'));
  const locs = [{ store: 'recordings-files', locator: '2026/03/0001.wav' }];
  await h.place(NS, 'recordings-files', locs[0]!.locator);
  const rec = accepted((await h.ingest([callRecorded(NS, 'REC-P-1', '2026-03-09T09:00:00Z', locs, who)]))[0]);
  const r = await h.platform.receiveRequest({ controller: NS, kind: 'portability', identifiers: PERSON, identityVerified: true }, DPO);
  const pkg = await h.platform.accessPackage(r.id);
  expect(pkg.records).toEqual([]);
  expect(pkg.notPortable).toEqual([{ recordId: rec.recordId, category: 'call-recording', reason: expect.stringMatching(/^Not portable: Art 20 covers only data the person provided under consent or contract; this is held on 6\(1\)\(e\) \(public task\)/) }]);

  const NK = 'north-kesteven';
  const enq = accepted((await h.ingest([enquiry(NK, 'ENQ-NK-9', '2026-03-09T09:00:00Z', 'Garden waste', who)]))[0]);
  const p2 = await h.platform.receiveRequest({ controller: NK, kind: 'portability', subjectRef: enq.subjectRef, identityVerified: true }, DPO);
  const pkg2 = await h.platform.accessPackage(p2.id);
  expect(pkg2.records.map((x) => x.recordId)).toEqual([enq.recordId]);
  expect(pkg2.records[0]!.events[0]!.data).toMatchObject({ summary: 'Garden waste' });
});
