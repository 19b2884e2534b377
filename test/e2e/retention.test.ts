import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, accepted } from '../support/harness';
import { callRecorded, complaint, enquiry } from '../support/events';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start(new Date('2026-01-05T09:00:00Z'));
});
afterEach(() => h.close());

test('a Newark & Sherwood call recording is deleted from the files store and the HTTP provider 40 days after recording, and not before', async () => {
  const at = '2026-01-05T09:00:00Z';
  const locations = [
    // vendors often name recordings after the caller: the locators are personal data here
    { store: '8x8', locator: 'calls-07700900123-0001' },
    { store: 'recordings-files', locator: '2026/01/07700900123-0001.wav' },
  ];
  for (const l of locations) await h.place('newark-sherwood', l.store, l.locator);
  const { recordId } = accepted((await h.ingest([callRecorded('newark-sherwood', 'REC-20260105-0001', at, locations)]))[0]);

  const registered = (await h.platform.record(recordId))!;
  expect(registered.record.dueAt).toBe('2026-02-14T09:00:00.000Z');
  expect(registered.record.policyVersion).toBe('newark-sherwood@1.0.0');
  expect(registered.explanation.because.join(' ')).toMatch(/P40D/);

  await h.advance('P39DT23H59M');
  expect((await h.platform.record(recordId))!.record.status).toBe('active');
  for (const l of locations) expect(h.held('newark-sherwood', l.store, l.locator)).toBe(true);
  expect(h.sim.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);

  await h.advance('PT1M');
  const after = (await h.platform.record(recordId))!;
  expect(after.record.status).toBe('disposed');
  for (const l of locations) expect(h.held('newark-sherwood', l.store, l.locator)).toBe(false);
  expect(after.record.disposal!.receipts.map((r) => [r.store, r.outcome])).toEqual([
    ['8x8', 'deleted'],
    ['custodian-event-log', 'deleted'],
    ['recordings-files', 'deleted'],
  ]);
  // proof stays, personal data does not: the record keeps no locators and the log no sealed payload
  expect(JSON.stringify(after.record)).not.toContain('07700900123');
  expect((await h.rt.store.bus.eventsOfRecord(recordId)).every((e) => e.sealed === null)).toBe(true);
  const trail = await h.platform.audit({ targetId: recordId, limit: 50 });
  expect(trail.map((e) => e.action)).toEqual(['record.registered', 'disposal.started', 'record.disposed']);
  // locators can embed a caller's number at some vendors: none survives in the SQLite file either
  await h.rt.stop();
  for (const f of readdirSync(h.dataDir)) expect({ f, found: readFileSync(join(h.dataDir, f)).includes('07700900123') }).toEqual({ f, found: false });
  await h.restart();
});

test('a North Kesteven complaint has no due time while open and is kept until 7 years after closure', async () => {
  const ref = 'NK-CMP-2026-0042';
  const opened = accepted((await h.ingest([complaint('opened', 'north-kesteven', ref, '2026-01-05T09:00:00Z')]))[0]);
  let view = (await h.platform.record(opened.recordId))!;
  expect(view.record.dueAt).toBeNull();
  expect(view.explanation.because.join(' ')).toMatch(/not been closed/);

  // years pass while it is open: nothing is due
  await h.advance('P8Y');
  view = (await h.platform.record(opened.recordId))!;
  expect(view.record.status).toBe('active');
  expect(view.record.dueAt).toBeNull();

  const closedAt = h.rt.clock.now().toISOString();
  expect(closedAt).toBe('2034-01-05T09:00:00.000Z');
  await h.ingest([complaint('updated', 'north-kesteven', ref, '2026-03-01T10:00:00Z'), complaint('closed', 'north-kesteven', ref, closedAt)]);
  view = (await h.platform.record(opened.recordId))!;
  expect(view.record.lifecycle.closedAt).toBe(closedAt);
  expect(view.record.dueAt).toBe('2041-01-05T09:00:00.000Z');
  const trail = await h.platform.audit({ targetId: opened.recordId, limit: 10 });
  expect(trail.map((e) => e.action)).toEqual(['record.registered', 'record.due-changed']);

  await h.advance('P6Y11M30D');
  expect((await h.platform.record(opened.recordId))!.record.status).toBe('active');
  await h.advance('P1D');
  expect((await h.platform.record(opened.recordId))!.record.status).toBe('disposed');
});

test('a re-opened complaint loses its due time until it is closed again', async () => {
  const ref = 'NK-CMP-2026-0043';
  const { recordId } = accepted((await h.ingest([complaint('opened', 'north-kesteven', ref, '2026-01-05T09:00:00Z')]))[0]);
  await h.ingest([complaint('closed', 'north-kesteven', ref, '2026-02-01T09:00:00Z')]);
  expect((await h.platform.record(recordId))!.record.dueAt).toBe('2033-02-01T09:00:00.000Z');
  await h.ingest([complaint('updated', 'north-kesteven', ref, '2026-03-01T09:00:00Z', { payload: { complaintRef: ref, reopened: true, note: 'Customer came back' } })]);
  expect((await h.platform.record(recordId))!.record.dueAt).toBeNull();
  await h.advance('P10Y');
  expect((await h.platform.record(recordId))!.record.status).toBe('active');
});

test('a North Kesteven enquiry is disposed two years after it was made', async () => {
  await h.place('north-kesteven', 'crm', 'NK-ENQ-77');
  const { recordId } = accepted((await h.ingest([enquiry('north-kesteven', 'NK-ENQ-77', '2026-01-05T09:00:00Z')]))[0]);
  expect((await h.platform.record(recordId))!.record.dueAt).toBe('2028-01-05T09:00:00.000Z');
  await h.advance('P1Y11M30D');
  expect((await h.platform.record(recordId))!.record.status).toBe('active');
  await h.advance('P1D');
  const after = (await h.platform.record(recordId))!;
  expect(after.record.status).toBe('disposed');
  expect(h.held('north-kesteven', 'crm', 'NK-ENQ-77')).toBe(false);
});
