import { Harness, accepted } from '../support/harness';
import { callRecorded, complaint, enquiry } from '../support/events';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start(new Date('2026-01-05T09:00:00Z'));
});
afterEach(() => h.close());

test('replaying the whole log after disposals changes nothing and brings nothing back', async () => {
  const loc = [{ store: 'recordings-files', locator: '2026/01/r1.wav' }];
  await h.place('newark-sherwood', 'recordings-files', '2026/01/r1.wav');
  const rec = accepted((await h.ingest([callRecorded('newark-sherwood', 'R1', '2026-01-05T09:00:00Z', loc)]))[0]);
  const cmp = accepted((await h.ingest([complaint('opened', 'north-kesteven', 'C1', '2026-01-05T09:00:00Z')]))[0]);
  await h.advance('P41D');
  const enq = accepted((await h.ingest([enquiry('derby', 'E1', '2026-02-15T09:00:00Z')]))[0]);
  expect((await h.platform.record(rec.recordId))!.record.status).toBe('disposed');

  const ids = [rec.recordId, cmp.recordId, enq.recordId];
  const snapshot = async () => Promise.all(ids.map(async (id) => (await h.platform.record(id))!.record));
  const before = await snapshot();
  const auditBefore = (await h.platform.verifyAudit()).entries;

  const report = await h.platform.replay({ offset: 1 }, 'operator');
  expect(report).toEqual({ fromOffset: 1, replayed: 3, head: 3 });
  expect(await snapshot()).toEqual(before);
  expect((await h.rt.store.bus.eventsOfRecord(rec.recordId)).map((e) => e.sealed)).toEqual([null]);
  const trail = await h.platform.audit({ afterSeq: auditBefore, limit: 10 });
  expect(trail.map((e) => e.action)).toEqual(['log.replayed']);
  expect((await h.platform.verifyAudit()).ok).toBe(true);
});

test('a replay from a time starts at the first event appended then', async () => {
  await h.ingest([enquiry('derby', 'E1', '2026-01-05T09:00:00Z')]);
  await h.advance('P1D');
  const t = h.rt.clock.now().toISOString();
  await h.ingest([enquiry('derby', 'E2', '2026-01-06T09:00:00Z'), enquiry('derby', 'E3', '2026-01-06T09:00:00Z')]);
  expect(await h.platform.replay({ time: t }, 'operator')).toEqual({ fromOffset: 2, replayed: 2, head: 3 });
  // a time after the last event: nothing to re-read
  expect(await h.platform.replay({ time: '2030-01-01T00:00:00Z' }, 'operator')).toEqual({ fromOffset: 4, replayed: 0, head: 3 });
});
