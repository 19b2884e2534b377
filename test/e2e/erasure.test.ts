import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, accepted } from '../support/harness';
import { callRecorded, complaint, enquiry } from '../support/events';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start(new Date('2026-03-10T10:00:00Z'));
});
afterEach(() => h.close());

const NK = 'north-kesteven';
const NS = 'newark-sherwood';
const DPO = 'dpo@council';
const PERSON = [
  { kind: 'email' as const, value: 'pat.jones@example.org' },
  { kind: 'phone' as const, value: '07700 900123' },
];
const withPerson = { subject: { identifiers: PERSON } };

test('one erasure request: refused for an open complaint under public task, granted for consent-based contact data, with a certificate', async () => {
  await h.place(NK, 'crm', 'ENQ-NK-1');
  const enq = accepted((await h.ingest([enquiry(NK, 'ENQ-NK-1', '2026-03-01T09:00:00Z', 'Question about council tax banding', withPerson)]))[0]);
  const cmp = accepted((await h.ingest([complaint('opened', NK, 'CMP-NK-1', '2026-03-02T09:00:00Z', withPerson)]))[0]);
  expect(cmp.subjectRef).toBe(enq.subjectRef);

  const r = await h.platform.receiveRequest({ controller: NK, kind: 'erasure', identifiers: PERSON, identityVerified: true }, DPO);
  expect(r.subjectRef).toBe(enq.subjectRef);
  expect(r.status).toBe('completed');
  expect(r.outcome).toBe('Erasure partly granted: 1 record(s) to erase; 1 refused (Art 17(3)(b)).');
  const byRecord = new Map(r.decisions.map((d) => [d.recordId, d]));
  expect(byRecord.get(enq.recordId)).toMatchObject({ decision: 'erase', article: 'Art 17(1)(b)' });
  expect(byRecord.get(cmp.recordId)).toMatchObject({ decision: 'refuse', article: 'Art 17(3)(b)', reason: expect.stringMatching(/while the complaint is open/) });

  // the enquiry is gone from the CRM and the log; the complaint is untouched
  expect(h.held(NK, 'crm', 'ENQ-NK-1')).toBe(false);
  const gone = (await h.platform.record(enq.recordId))!.record;
  expect(gone).toMatchObject({ status: 'disposed', disposal: { cause: { kind: 'erasure', requestId: r.id, article: 'Art 17(1)(b)' } } });
  expect((await h.platform.record(cmp.recordId))!.record.status).toBe('active');

  // the certificate lists every store, outcome and time; the key stays for the complaint
  expect(r.certificate!.stores.map((s) => [s.recordId, s.store, s.outcome])).toEqual([
    [enq.recordId, 'crm', 'deleted'],
    [enq.recordId, 'custodian-event-log', 'deleted'],
  ]);
  expect(r.certificate!.keyDestroyedAt).toBeNull();
  expect(r.reading.timeliness).toBe('on-time');
  const trail = await h.platform.audit({ targetId: enq.subjectRef, limit: 20 });
  expect(trail.map((e) => e.action)).toEqual(['request.received', 'erasure.decided', 'erasure.completed']);
  expect((await h.platform.audit({ targetId: enq.recordId, limit: 20 })).map((e) => e.action)).toEqual(['record.registered', 'erasure.started', 'record.disposed']);
});

test('an erasure with the CRM down completes after it recovers, with a certificate; the key is destroyed and a replay recreates nothing', async () => {
  await h.place(NK, 'crm', 'ENQ-NK-2');
  await h.place(NK, 'crm', 'ENQ-NK-3');
  const a = accepted((await h.ingest([enquiry(NK, 'ENQ-NK-2', '2026-03-01T09:00:00Z', 'Bulky waste collection', withPerson)]))[0]);
  const b = accepted((await h.ingest([enquiry(NK, 'ENQ-NK-3', '2026-03-05T09:00:00Z', 'Parking permit', withPerson)]))[0]);

  // one of the person's events was rejected (an impossible channel) and waits in the dead-letter queue
  const [bad] = await h.ingest([enquiry(NK, 'ENQ-NK-5', '2026-03-06T09:00:00Z', 'Rejected one', { ...withPerson, payload: { caseRef: 'ENQ-NK-5', channel: 'carrier-pigeon', summary: 'Rejected one' } })]);
  if (bad?.status !== 'rejected') throw new Error('expected a rejection');
  expect((await h.platform.deadLetter(bad.deadLetterId))!.original).toMatchObject({ payload: { summary: 'Rejected one' } });

  h.sim.setDown(true, '503');
  const r = await h.platform.receiveRequest({ controller: NK, kind: 'erasure', identifiers: PERSON, identityVerified: true }, DPO);
  expect(r.status).toBe('in-progress');
  expect(r.decisions.map((d) => d.decision)).toEqual(['erase', 'erase']);
  expect(h.held(NK, 'crm', 'ENQ-NK-2')).toBe(true);
  const view = (await h.platform.record(a.recordId))!;
  expect(view.record.status).toBe('disposing');
  expect(view.tasks.find((t) => t.store === 'crm')).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/503/) });

  // the CRM comes back; the retries (backoff, within the hour) delete both enquiries and the request completes
  h.sim.setDown(false);
  await h.advance('PT1H');
  const done = (await h.platform.request(r.id))!;
  expect(done.status).toBe('completed');
  expect(h.held(NK, 'crm', 'ENQ-NK-2')).toBe(false);
  expect(h.held(NK, 'crm', 'ENQ-NK-3')).toBe(false);
  const cert = done.certificate!;
  expect(cert.stores.filter((s) => s.store === 'crm').map((s) => [s.recordId, s.outcome])).toEqual([
    [a.recordId, 'deleted'],
    [b.recordId, 'deleted'],
  ]);
  expect(cert.stores.every((s) => s.at >= '2026-03-10T10:00:00.000Z')).toBe(true);
  // nothing of the person is left: the data key is destroyed, and their rejected event in the DLQ with it
  expect(cert.keyDestroyedAt).not.toBeNull();
  expect(cert.deadLettersShredded).toBe(1);
  expect((await h.platform.deadLetter(bad.deadLetterId))!.original).toBe('[erased]');
  expect(cert.summary).toMatch(/the data key is destroyed/);

  // a replay of the whole log recreates no record of the person, and leaves both disposed
  const report = await h.platform.replay({ offset: 1 }, 'operator');
  expect(report.replayed).toBeGreaterThanOrEqual(2);
  for (const id of [a.recordId, b.recordId]) expect((await h.platform.record(id))!.record.status).toBe('disposed');
  expect(await h.platform.subjectRecords(a.subjectRef)).toHaveLength(2);

  // the same person contacting the council again is a new subject, with a new key
  const again = accepted((await h.ingest([enquiry(NK, 'ENQ-NK-4', h.rt.clock.now().toISOString(), 'New question', withPerson)]))[0]);
  expect(again.subjectRef).not.toBe(a.subjectRef);

  // nothing of the erased enquiries is readable anywhere in the data directory
  await h.rt.stop();
  for (const f of readdirSync(h.dataDir)) {
    const bytes = readFileSync(join(h.dataDir, f));
    expect({ f, found: bytes.includes('Bulky waste collection') || bytes.includes('Parking permit') }).toEqual({ f, found: false });
  }
  await h.restart();
});

test('a restore of the database from a backup taken before an erasure brings nothing back: the journal is applied again', async () => {
  const { copyFileSync, existsSync } = await import('node:fs');
  await h.place(NK, 'crm', 'ENQ-NK-7');
  const a = accepted((await h.ingest([enquiry(NK, 'ENQ-NK-7', '2026-03-01T09:00:00Z', 'Council tax rebate', withPerson)]))[0]);
  // the nightly backup, before the person asks
  h.rt.store.db.pragma('wal_checkpoint(TRUNCATE)');
  const db = join(h.dataDir, 'custodian.db');
  copyFileSync(db, `${db}.backup`);
  const r = await h.platform.receiveRequest({ controller: NK, kind: 'erasure', identifiers: PERSON, identityVerified: true }, DPO);
  expect(r.certificate!.keyDestroyedAt).not.toBeNull();
  expect(existsSync(join(h.dataDir, 'erasure-journal.jsonl'))).toBe(true);

  // the database is restored from the backup: the record, its sealed event and the key are back
  await h.rt.stop();
  copyFileSync(`${db}.backup`, db);
  for (const f of ['-wal', '-shm']) if (existsSync(`${db}${f}`)) (await import('node:fs')).rmSync(`${db}${f}`);
  await h.restart();
  expect((await h.platform.record(a.recordId))!.record.status).toBe('active');

  // starting the runtime applies the journal again before anything else
  expect(await h.platform.restoreErasures()).toEqual({ records: 1, events: 1, keys: 1 });
  expect((await h.platform.record(a.recordId))!.record).toMatchObject({ status: 'disposed', disposal: { cause: { kind: 'erasure', requestId: r.id } } });
  // a replay from the start registers nothing of the person again, and a second application changes nothing
  await h.platform.replay({ offset: 1 }, 'operator');
  expect((await h.platform.record(a.recordId))!.record.status).toBe('disposed');
  expect(await h.platform.restoreErasures()).toEqual({ records: 0, events: 0, keys: 0 });
  // the log holds no sealed section of the record, and the key is gone from the vault again
  expect((await h.rt.store.bus.eventsOfRecord(a.recordId)).map((e) => e.sealed)).toEqual([null]);
  expect((await h.rt.store.vault.get([`subj:${a.subjectRef}`])).get(`subj:${a.subjectRef}`)).toBeNull();
});
