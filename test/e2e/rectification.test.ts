import { Harness, accepted } from '../support/harness';
import { callRecorded, enquiry } from '../support/events';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start(new Date('2026-03-10T10:00:00Z'));
});
afterEach(() => h.close());

const DPO = 'dpo@council';

test('a rectification reaches every store that holds the detail: Custodian\'s copy, the vendor API, a system by command; recordings are not corrected', async () => {
  const NOTTS = 'nottinghamshire';
  const OLD = { subject: { identifiers: [{ kind: 'email', value: 'sam.old@example.org' }, { kind: 'phone', value: '07700 900555' }] } };
  await h.place(NOTTS, 'crm', 'ENQ-RX-1');
  const locations = [
    { store: 'crm', locator: 'ENQ-RX-1' },
    { store: 'customer-portal', locator: 'portal/ENQ-RX-1' },
  ];
  const e = accepted((await h.ingest([enquiry(NOTTS, 'ENQ-RX-1', '2026-03-01T09:00:00Z', 'Street light out', { ...OLD, locations, payload: { caseRef: 'ENQ-RX-1', channel: 'phone', summary: 'Street light out', contact: { name: 'Sam Lee', email: 'sam.old@example.org', phone: '07700 900555' } } })]))[0]);
  const recLocs = [{ store: 'call-recordings', locator: 'nottinghamshire/2026/03/REC-RX-1.wav' }];
  await h.place(NOTTS, 'call-recordings', recLocs[0]!.locator);
  const call = accepted((await h.ingest([callRecorded(NOTTS, 'REC-RX-1', '2026-03-02T09:00:00Z', recLocs, OLD)]))[0]);
  expect(call.subjectRef).toBe(e.subjectRef);

  const r = await h.platform.receiveRequest({ controller: NOTTS, kind: 'rectification', subjectRef: e.subjectRef, identityVerified: true, corrections: [{ field: 'email', value: 'sam.new@example.org' }] }, DPO);
  // the corrections are sealed: the request holds no readable email
  expect(JSON.stringify(r)).not.toContain('sam.new@example.org');
  expect(r.rectification!.fields).toEqual(['email']);
  const byStore = Object.fromEntries(r.rectification!.tasks.map((t) => [`${t.recordId === call.recordId ? 'call' : 'enquiry'}:${t.store}`, t.status]));
  expect(byStore).toEqual({ 'enquiry:custodian-event-log': 'done', 'enquiry:crm': 'done', 'enquiry:customer-portal': 'pending', 'call:custodian-event-log': 'done', 'call:call-recordings': 'not-applicable' });
  expect(r.status).toBe('in-progress');

  // the vendor API was sent the correction
  expect(h.sim.corrections(`${NOTTS}:crm:ENQ-RX-1`)).toEqual([{ field: 'email', value: 'sam.new@example.org' }]);
  // the portal gets a correction command and acknowledges it
  const [cmd] = await h.platform.erasureCommands({ controller: NOTTS, store: 'customer-portal', limit: 10 });
  expect(cmd).toMatchObject({ action: 'rectify', corrections: [{ field: 'email', value: 'sam.new@example.org' }], locator: 'portal/ENQ-RX-1' });
  expect(await h.platform.acknowledge([{ commandId: cmd!.commandId, recordId: e.recordId, store: 'customer-portal', outcome: 'deleted', detail: 'email updated' }], 'svc:portal')).toEqual([{ commandId: cmd!.commandId, status: 'applied' }]);
  const done = (await h.platform.request(r.id))!;
  expect(done.status).toBe('completed');
  expect(done.outcome).toBe('Rectified: corrected at 4 store(s); 1 not applicable (recordings are not corrected).');

  // Custodian's own copy reads corrected: an access export shows the new email only
  const sar = await h.platform.receiveRequest({ controller: NOTTS, kind: 'access', subjectRef: e.subjectRef, identityVerified: true }, DPO);
  const pkg = JSON.stringify(await h.platform.accessPackage(sar.id));
  expect(pkg).toContain('sam.new@example.org');
  expect(pkg).not.toContain('sam.old@example.org');
  expect((await h.platform.audit({ targetId: e.subjectRef, limit: 20 })).map((x) => x.action)).toEqual(expect.arrayContaining(['rectification.planned', 'rectification.completed']));
});

test('nothing held differs: the rectification completes at once and says so', async () => {
  const NK = 'north-kesteven';
  const e = accepted((await h.ingest([enquiry(NK, 'ENQ-RX-2', '2026-03-01T09:00:00Z', 'Bins', { subject: { identifiers: [{ kind: 'email', value: 'ok@example.org' }] } })]))[0]);
  const r = await h.platform.receiveRequest({ controller: NK, kind: 'rectification', subjectRef: e.subjectRef, identityVerified: true, corrections: [{ field: 'email', value: 'ok@example.org' }] }, DPO);
  expect(r).toMatchObject({ status: 'completed', outcome: 'Rectified: corrected at 0 store(s).' });
  await expect(h.platform.receiveRequest({ controller: NK, kind: 'rectification', subjectRef: e.subjectRef, identityVerified: true }, DPO)).rejects.toThrow(/needs the corrections/);
});
