import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Harness, accepted } from '../support/harness';
import { callRecorded, enquiry, payment } from '../support/events';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start(new Date('2026-01-05T09:00:00Z'));
});
afterEach(() => h.close());

function everyFile(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? everyFile(p) : [p];
  });
}

/** the digits in any separator form a person or a system might have stored them in */
function panForms(pan: string): string[] {
  return [pan, pan.replace(/(\d{4})(?=\d)/g, '$1 '), pan.replace(/(\d{4})(?=\d)/g, '$1-')];
}

test('card numbers are tokenised (truncated) or rejected per council and never stored in clear anywhere in the data directory', async () => {
  const visa = '4111111111111111';
  const mastercard = '5555555555554444';
  const [derby] = await h.ingest([payment('derby', 'DCC-PAY-1', '2026-01-05T09:00:00Z', 'Paid by phone, card 4111 1111 1111 1111 exp 09/28')]);
  const ok = accepted(derby);
  expect(ok.cardData).toEqual([{ path: 'payload.reference', action: 'truncated' }]);

  const [nk] = await h.ingest([enquiry('north-kesteven', 'NK-ENQ-9', '2026-01-05T09:00:00Z', `Customer read out card 5555-5555-5555-4444 before we could stop them`)]);
  expect(nk!.status).toBe('rejected');
  if (nk!.status !== 'rejected') throw new Error('unreachable');
  expect(nk!.reasons).toEqual([expect.objectContaining({ path: 'payload.summary', message: expect.stringMatching(/card number/) })]);

  // a field that is not in the contract (card number sent as its own field) is refused by name, and still redacted
  const sneaky = payment('nottinghamshire', 'NCC-PAY-7', '2026-01-05T09:00:00Z', 'Garden waste');
  (sneaky.payload as Record<string, unknown>).cardNumber = 5555555555554444;
  const [nt] = await h.ingest([sneaky]);
  expect(nt!.status).toBe('rejected');
  if (nt!.status !== 'rejected') throw new Error('unreachable');
  expect(nt!.reasons.map((r) => r.path)).toContain('payload');
  expect(nt!.cardData).toEqual([{ path: 'payload.cardNumber', action: 'truncated' }]);

  // what the operator sees of the rejected event keeps only the PCI truncation
  const letter = await h.platform.deadLetter(nk!.deadLetterId);
  expect(JSON.stringify(letter!.original)).toContain('555555******4444');

  await h.rt.stop(); // checkpoint the WAL so the grep sees what is at rest
  const files = everyFile(h.dataDir);
  expect(files.some((f) => f.endsWith('custodian.db'))).toBe(true);
  for (const f of files) {
    const bytes = readFileSync(f).toString('latin1');
    for (const form of [...panForms(visa), ...panForms(mastercard)]) expect({ file: f, found: bytes.includes(form) }).toEqual({ file: f, found: false });
  }
  await h.restart();
});

test('a duplicate event has no second effect', async () => {
  const e = callRecorded('newark-sherwood', 'REC-DUP-1', '2026-01-05T09:00:00Z', [{ store: '8x8', locator: 'REC-DUP-1' }]);
  const [first] = await h.ingest([e]);
  const { recordId } = accepted(first);
  const before = { head: await h.rt.store.bus.head(), audit: (await h.platform.verifyAudit()).entries, record: (await h.platform.record(recordId))!.record };
  const again = await h.ingest([e, { ...e, payload: { ...e.payload, durationSeconds: 1 } }]);
  expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
  expect(await h.rt.store.bus.head()).toBe(before.head);
  expect((await h.platform.verifyAudit()).entries).toBe(before.audit);
  expect((await h.platform.record(recordId))!.record).toEqual(before.record);
});

test('a malformed event lands in the dead-letter store with its reasons and is accepted once corrected', async () => {
  const bad = enquiry('north-kesteven', 'NK-ENQ-31', 'yesterday at noon');
  (bad as Record<string, unknown>).category = 'complaint';
  const [r] = await h.ingest([bad]);
  expect(r!.status).toBe('rejected');
  if (r!.status !== 'rejected') throw new Error('unreachable');
  expect(r!.reasons.map((x) => x.path).sort()).toEqual(['category', 'occurredAt']);

  const listed = await h.platform.deadLetters({ status: 'open', limit: 10 });
  expect(listed.map((d) => d.id)).toEqual([r!.deadLetterId]);
  expect(listed[0]!.reasons.find((x) => x.path === 'occurredAt')!.message).toMatch(/ISO 8601/);
  expect((listed[0]!.original as { occurredAt: string }).occurredAt).toBe('yesterday at noon');

  // reprocessing as it was fails again, on the same entry
  const retry = await h.platform.reprocess(r!.deadLetterId, undefined, 'operator');
  expect(retry.status).toBe('rejected');
  expect((await h.platform.deadLetters({ limit: 10 })).map((d) => [d.id, d.attempts])).toEqual([[r!.deadLetterId, 2]]);

  const fixed = { ...(listed[0]!.original as object), category: 'enquiry', occurredAt: '2026-01-04T12:00:00Z' };
  const done = await h.platform.reprocess(r!.deadLetterId, fixed, 'operator');
  const ok = accepted(done);
  expect((await h.platform.record(ok.recordId))!.record.category).toBe('enquiry');
  const letter = await h.platform.deadLetter(r!.deadLetterId);
  expect(letter!.status).toBe('reprocessed');
  expect(letter!.resolvedEventId).toBe(ok.eventId);
  expect(await h.platform.deadLetters({ status: 'open', limit: 10 })).toEqual([]);
});

test('the same person is one pseudonymous subject across records, and the subject reference carries no identifier', async () => {
  const a = accepted((await h.ingest([enquiry('north-kesteven', 'NK-ENQ-1', '2026-01-05T09:00:00Z')]))[0]);
  const b = accepted((await h.ingest([enquiry('north-kesteven', 'NK-ENQ-2', '2026-01-06T09:00:00Z', 'x', { subject: { identifiers: [{ kind: 'phone', value: '+44 7700 900123' }] } })]))[0]);
  const other = accepted((await h.ingest([enquiry('durham', 'DCC-ENQ-2', '2026-01-06T09:00:00Z')]))[0]);
  expect(b.subjectRef).toBe(a.subjectRef);
  expect(other.subjectRef).not.toBe(a.subjectRef);
  expect((await h.platform.subjectRecords(a.subjectRef)).map((r) => r.id).sort()).toEqual([a.recordId, b.recordId].sort());
  expect(a.subjectRef).not.toMatch(/pat|jones|7700|example/i);
});

test('the audit chain verifies, and detects an altered entry and a removed one', async () => {
  await h.ingest([enquiry('north-kesteven', 'NK-ENQ-5', '2026-01-05T09:00:00Z'), enquiry('derby', 'D-ENQ-5', '2026-01-05T09:00:00Z')]);
  await h.advance('P3Y');
  const ok = await h.platform.verifyAudit();
  expect(ok.ok).toBe(true);
  expect(ok.entries).toBeGreaterThanOrEqual(7);

  const file = join(h.dataDir, 'custodian.db');
  /** edits the file behind the platform's back, as someone with disk access could */
  const tamper = async (edit: (db: Database.Database) => void) => {
    await h.rt.stop();
    const db = new Database(file);
    // the triggers refuse edits through SQL: a tamperer has to remove them first (they come back on the next start)
    expect(() => db.prepare(`DELETE FROM audit WHERE seq = 1`).run()).toThrow(/append-only/);
    db.exec('DROP TRIGGER audit_append_only_u; DROP TRIGGER audit_append_only_d;');
    edit(db);
    db.close();
    await h.restart();
  };
  const original = () => {
    const db = new Database(file, { readonly: true });
    const r = db.prepare('SELECT entry FROM audit WHERE seq = 3').get() as { entry: string };
    db.close();
    return r.entry;
  };
  await h.rt.stop();
  const row3 = original();
  const fifth = (() => {
    const db = new Database(file, { readonly: true });
    const r = db.prepare('SELECT entry FROM audit WHERE seq = 5').get() as { entry: string };
    db.close();
    return r.entry;
  })();
  await h.restart();

  await tamper((db) => db.prepare('UPDATE audit SET entry = ? WHERE seq = 3').run(JSON.stringify({ ...JSON.parse(row3), reason: 'nothing to see here' })));
  expect(await h.platform.verifyAudit()).toMatchObject({ ok: false, firstBad: { seq: 3, problem: expect.stringMatching(/altered/) } });

  await tamper((db) => {
    db.prepare('UPDATE audit SET entry = ? WHERE seq = 3').run(row3);
    db.prepare('DELETE FROM audit WHERE seq = 5').run();
  });
  expect(await h.platform.verifyAudit()).toMatchObject({ ok: false, firstBad: { seq: 6, problem: expect.stringMatching(/missing/) } });

  // removing the newest entries leaves a consistent-looking chain: the recorded head gives it away
  await tamper((db) => {
    db.prepare('INSERT INTO audit(seq, at, target_id, entry) SELECT 5, at, target_id, ? FROM audit WHERE seq = 4').run(fifth);
    db.prepare('DELETE FROM audit WHERE seq > (SELECT MAX(seq) - 2 FROM audit)').run();
  });
  expect(await h.platform.verifyAudit()).toMatchObject({ ok: false, firstBad: { problem: expect.stringMatching(/entries removed/) } });
});

test('equalities monitoring is kept apart: the same person is a different subject there than in their cases', async () => {
  const id = { subject: { identifiers: [{ kind: 'email', value: 'sam.patel@example.org' }] } };
  const enq = accepted((await h.ingest([enquiry('derby', 'D-ENQ-77', '2026-01-05T09:00:00Z', 'Bin collection', id)]))[0]);
  const equalities = {
    eventId: 'derby-eq-000001',
    type: 'equalities.monitoring-submitted',
    version: 1,
    source: { system: 'forms' },
    controller: 'derby',
    occurredAt: '2026-01-05T09:05:00Z',
    category: 'equalities-monitoring',
    locations: [{ store: 'equalities-monitoring', locator: 'EQ-1' }],
    payload: { responseId: 'EQ-1', answers: { ethnicity: 'prefer-not-to-say' } },
    ...id,
  };
  const [eq, eq2] = (await h.ingest([equalities, { ...equalities, eventId: 'derby-eq-000002', payload: { responseId: 'EQ-2', answers: {} }, locations: [] }])).map(accepted);
  expect(eq!.subjectRef).not.toBe(enq.subjectRef);
  // one person's responses still link with each other
  expect(eq2!.subjectRef).toBe(eq!.subjectRef);
  expect((await h.platform.subjectRecords(eq!.subjectRef)).map((r) => r.category)).toEqual(['equalities-monitoring', 'equalities-monitoring']);
  expect((await h.platform.subjectRecords(enq.subjectRef)).map((r) => r.category)).toEqual(['enquiry']);
});
