import { IngestService } from './ingest';
import type { IngestResult } from './platform';
import type { StoredEvent } from './ports';
import { ev, envelope, nextEventId, testPlatform } from './test-support/memory-ports';

const AT = '2024-01-10T10:00:00Z';
const PAN = '4111111111111111';
const PAN_SPACED = '4111 1111 1111 1111';
const PAN_TRUNCATED = '411111******1111';

type Accepted = Extract<IngestResult, { status: 'accepted' }>;
type Rejected = Extract<IngestResult, { status: 'rejected' }>;
const accepted = (r: IngestResult | undefined): Accepted => {
  if (r?.status !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`);
  return r;
};
const rejected = (r: IngestResult | undefined): Rejected => {
  if (r?.status !== 'rejected') throw new Error(`expected rejected, got ${JSON.stringify(r)}`);
  return r;
};

function expectNoPan(t: ReturnType<typeof testPlatform>, results: unknown) {
  for (const form of [PAN, PAN_SPACED]) expect(t.ports.where(form)).toEqual([]);
  // also written with other spacing or dashes
  expect(t.ports.dump().replace(/[ -]/g, '').includes(PAN)).toBe(false);
  const answered = JSON.stringify(results);
  expect(answered.includes(PAN) || answered.includes(PAN_SPACED)).toBe(false);
}

describe('IngestService: accepted events', () => {
  it('validates, links, seals and appends; returns subject and record ids', async () => {
    const t = testPlatform();
    const e = ev.complaintOpened('north-kesteven', 'CMP-1', AT, { subject: { identifiers: [{ kind: 'email', value: 'pat.jones@example.org' }, { kind: 'phone', value: '01529 414155' }] } });
    const [r] = await t.platform.ingest([e], 'svc:crm');
    const a = accepted(r);
    expect(a).toMatchObject({ index: 0, eventId: e.eventId, cardData: [] });
    expect(a.subjectRef).toMatch(/^subj_/);
    expect(a.recordId).toBe(t.master.recordId('north-kesteven', 'complaint', 'CMP-1'));

    expect(t.ports.bus.log).toHaveLength(1);
    const s: StoredEvent = t.ports.bus.log[0]!;
    expect(s).toMatchObject({
      offset: 1,
      eventId: e.eventId,
      type: 'complaint.opened',
      controller: 'north-kesteven',
      category: 'complaint',
      subjectRef: a.subjectRef,
      recordId: a.recordId,
      facts: { recordKey: 'CMP-1', transition: 'open' },
      locations: [{ store: 'crm', locator: 'CMP-1' }],
      policyVersion: 'north-kesteven@1.0.0',
      receivedAt: '2024-01-01T09:00:00.000Z',
      cardData: [],
    });
    expect(s.sealed!.kid).toBe(`subj:${a.subjectRef}`);
    const opened = await t.sealer.open<{ identifiers: unknown; payload: { contact: { name: string } } }>(s.sealed!, e.eventId as string);
    expect(opened.identifiers).toEqual((e.subject as { identifiers: unknown }).identifiers);
    expect(opened.payload.contact.name).toBe('Pat Jones');

    // nothing personal in clear in any port
    for (const personal of ['Pat Jones', 'pat.jones@example.org', '414155', 'Bins missed']) expect(t.ports.where(personal)).toEqual([]);
    expect(t.ports.audit.actions()).toEqual(['events.accepted']);
    expect(t.ports.audit.entries[0]).toMatchObject({ actor: 'svc:crm', details: { count: 1, cardDataTruncated: 0 } });
    expect((await t.ports.audit.verify()).ok).toBe(true);
  });

  it('answers one result per input, in input order, for a mixed batch', async () => {
    const t = testPlatform();
    const good1 = ev.complaintOpened('north-kesteven', 'CMP-1', AT);
    const bad = { ...ev.complaintOpened('north-kesteven', 'CMP-2', AT), occurredAt: 'yesterday' };
    const good2 = ev.enquiry('derby', 'ENQ-1', AT);
    const results = await t.platform.ingest([good1, bad, good2, good1], 'svc');
    expect(results.map((r) => [r.index, r.status])).toEqual([
      [0, 'accepted'],
      [1, 'rejected'],
      [2, 'accepted'],
      [3, 'duplicate'],
    ]);
    expect(t.ports.bus.log.map((e) => e.eventId)).toEqual([good1.eventId, good2.eventId]);
  });
});

describe('IngestService: duplicates', () => {
  it('the same eventId twice in one batch: the second is a duplicate and is not appended', async () => {
    const t = testPlatform();
    const e = ev.complaintOpened('north-kesteven', 'CMP-1', AT);
    const results = await t.platform.ingest([e, { ...e }], 'svc');
    expect(results.map((r) => r.status)).toEqual(['accepted', 'duplicate']);
    expect(results[1]).toEqual({ index: 1, eventId: e.eventId, status: 'duplicate' });
    expect(t.ports.bus.log).toHaveLength(1);
  });

  it('the same eventId in a later batch is a duplicate; nothing more is appended or audited as accepted', async () => {
    const t = testPlatform();
    const e = ev.complaintOpened('north-kesteven', 'CMP-1', AT);
    await t.platform.ingest([e], 'svc');
    const [r] = await t.platform.ingest([e], 'svc');
    expect(r).toEqual({ index: 0, eventId: e.eventId, status: 'duplicate' });
    expect(t.ports.bus.log).toHaveLength(1);
    expect(t.ports.audit.actions()).toEqual(['events.accepted']);
  });
});

describe('IngestService: rejected events go to the dead-letter store with field paths', () => {
  it('contract errors name the fields', async () => {
    const t = testPlatform();
    const e = ev.complaintOpened('north-kesteven', 'CMP-1', AT);
    const bad = { ...e, occurredAt: '2024-01-10 10:00', payload: { service: 'Waste' } };
    const r = rejected((await t.platform.ingest([bad], 'svc:crm'))[0]);
    const paths = r.reasons.map((x) => x.path);
    expect(paths).toEqual(expect.arrayContaining(['occurredAt', 'payload.complaintRef']));
    expect(r.eventId).toBe(e.eventId);
    expect(r.cardData).toEqual([]);

    const [dl] = t.ports.deadLetters.entries;
    expect(dl).toMatchObject({ id: r.deadLetterId, eventId: e.eventId, type: 'complaint.opened', controller: 'north-kesteven', status: 'open', attempts: 1, resolvedAt: null, resolvedEventId: null, receivedAt: '2024-01-01T09:00:00.000Z' });
    expect(dl!.reasons).toEqual(r.reasons);
    expect(dl!.sealed.kid).toBe(`dlq:${r.deadLetterId}`);
    expect(await t.sealer.open(dl!.sealed, dl!.id)).toEqual(bad);
    expect(JSON.stringify(dl)).not.toContain('Pat Jones');
    expect(t.ports.bus.log).toHaveLength(0);

    const [audit] = t.ports.audit.entries;
    expect(audit).toMatchObject({ actor: 'svc:crm', action: 'event.rejected', target: { kind: 'dead-letter', id: r.deadLetterId } });
    expect(audit!.reason).toContain('payload.complaintRef');
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
    ['an empty object', {}],
  ])('%s is rejected with a dead letter, without crashing', async (_n, raw) => {
    const t = testPlatform();
    const r = rejected((await t.platform.ingest([raw], 'svc'))[0]);
    expect(r.reasons.length).toBeGreaterThan(0);
    expect(r.eventId).toBeNull();
    expect(await t.ports.deadLetters.count('open')).toBe(1);
    expect(await t.sealer.open(t.ports.deadLetters.entries[0]!.sealed, r.deadLetterId)).toEqual(raw);
  });

  it('an unknown controller is rejected at path "controller", naming the loaded councils', async () => {
    const t = testPlatform();
    const r = rejected((await t.platform.ingest([ev.complaintOpened('rutland', 'CMP-1', AT)], 'svc'))[0]);
    expect(r.reasons).toEqual([{ path: 'controller', message: expect.stringContaining('rutland') }]);
    for (const c of ['derby', 'durham', 'newark-sherwood', 'north-kesteven', 'nottinghamshire']) expect(r.reasons[0]!.message).toContain(c);
  });

  it('a category the council does not hold is rejected at path "category"', async () => {
    const t = testPlatform();
    // North Kesteven holds no payments; Durham holds no complaints
    const r1 = rejected((await t.platform.ingest([ev.payment('north-kesteven', 'PAY-1', AT, 'permit')], 'svc'))[0]);
    expect(r1.reasons).toEqual([{ path: 'category', message: expect.stringContaining('"payment"') }]);
    expect(r1.reasons[0]!.message).toContain('north-kesteven@1.0.0');
    const r2 = rejected((await t.platform.ingest([ev.complaintOpened('durham', 'CMP-1', AT)], 'svc'))[0]);
    expect(r2.reasons.map((x) => x.path)).toEqual(['category']);
  });

  it('a category the event type cannot carry is rejected at path "category"', async () => {
    const t = testPlatform();
    const e = { ...ev.complaintOpened('north-kesteven', 'CMP-1', AT), category: 'enquiry' };
    const r = rejected((await t.platform.ingest([e], 'svc'))[0]);
    expect(r.reasons.map((x) => x.path)).toContain('category');
  });

  it('a store not declared for the category is rejected at locations[i].store', async () => {
    const t = testPlatform();
    const e = ev.complaintOpened('north-kesteven', 'CMP-1', AT, {
      locations: [
        { store: 'dropbox', locator: 'x' },
        { store: 'crm', locator: 'CMP-1' },
        { store: 'telephony-recordings', locator: 'y' },
      ],
    });
    const r = rejected((await t.platform.ingest([e], 'svc'))[0]);
    expect(r.reasons.map((x) => x.path)).toEqual(['locations[0].store', 'locations[2].store']);
    expect(r.reasons[0]!.message).toContain('"dropbox"');
    expect(r.reasons[0]!.message).toContain('declared: crm');
  });
});

describe('IngestService: card numbers (PAN)', () => {
  it("truncate pack (Derby): accepted, cardData lists the path, the stored copy keeps only the truncation", async () => {
    const t = testPlatform();
    const e = ev.payment('derby', 'PAY-1', AT, `Paid by card ${PAN_SPACED} on the phone`);
    const results = await t.platform.ingest([e], 'svc:payments');
    const a = accepted(results[0]);
    expect(a.cardData).toEqual([{ path: 'payload.reference', action: 'truncated' }]);
    const s = t.ports.bus.log[0]!;
    expect(s.cardData).toEqual([{ path: 'payload.reference', action: 'truncated' }]);
    const opened = await t.sealer.open<{ payload: { reference: string } }>(s.sealed!, e.eventId as string);
    expect(opened.payload.reference).toBe(`Paid by card ${PAN_TRUNCATED} on the phone`);
    expect(t.ports.audit.entries.at(-1)!.details).toEqual({ count: 1, cardDataTruncated: 1 });
    expectNoPan(t, results);
    expect(JSON.stringify(opened)).not.toContain(PAN);
  });

  it('truncate pack (Nottinghamshire): a PAN in several fields is truncated in each', async () => {
    const t = testPlatform();
    const e = ev.payment('nottinghamshire', 'PAY-2', AT, `ref ${PAN}`, { subject: { identifiers: [{ kind: 'email', value: 'pat@example.org' }, { kind: 'name', value: `Pat ${PAN}` }] } });
    const results = await t.platform.ingest([e], 'svc');
    const a = accepted(results[0]);
    expect(a.cardData.map((c) => c.path).sort()).toEqual(['payload.reference', 'subject.identifiers[1].value']);
    expectNoPan(t, results);
  });

  it('reject pack (North Kesteven): rejected with the PAN path; the dead letter keeps only the truncation', async () => {
    const t = testPlatform();
    const e = ev.enquiry('north-kesteven', 'ENQ-1', AT, `My card is ${PAN_SPACED}, please take the payment`);
    const results = await t.platform.ingest([e], 'svc:crm');
    const r = rejected(results[0]);
    expect(r.reasons).toEqual([{ path: 'payload.summary', message: expect.stringMatching(/card number/) }]);
    expect(r.cardData).toEqual([{ path: 'payload.summary', action: 'truncated' }]);
    expect(t.ports.bus.log).toHaveLength(0);

    const dl = t.ports.deadLetters.entries[0]!;
    expect(dl.cardData).toEqual(r.cardData);
    const original = await t.sealer.open<{ payload: { summary: string } }>(dl.sealed, dl.id);
    expect(original.payload.summary).toBe(`My card is ${PAN_TRUNCATED}, please take the payment`);
    expect(t.ports.audit.entries[0]!.details).toEqual({ paths: ['payload.summary'], cardDataFound: 1 });
    expectNoPan(t, results);
    expect(JSON.stringify(original)).not.toContain(PAN_SPACED);
  });

  it('reject pack (Newark & Sherwood): a PAN in a payment reference is rejected (with the category), nowhere stored in full', async () => {
    const t = testPlatform();
    const e = ev.payment('newark-sherwood', 'PAY-3', AT, `card ${PAN}`, { locations: [] });
    const results = await t.platform.ingest([e], 'svc');
    const r = rejected(results[0]);
    expect(r.reasons.map((x) => x.path).sort()).toEqual(['category', 'payload.reference']);
    expectNoPan(t, results);
    const original = await t.sealer.open<{ payload: { reference: string } }>(t.ports.deadLetters.entries[0]!.sealed, r.deadLetterId);
    expect(original.payload.reference).toBe(`card ${PAN_TRUNCATED}`);
  });

  it('an event rejected for another reason under a truncate pack still has its PAN truncated in the dead letter', async () => {
    const t = testPlatform();
    const e = ev.payment('derby', 'PAY-4', AT, `card ${PAN}`, { locations: [{ store: 'crm', locator: 'PAY-4' }] });
    const results = await t.platform.ingest([e], 'svc');
    const r = rejected(results[0]);
    expect(r.reasons.map((x) => x.path)).toEqual(['locations[0].store']);
    expect(r.cardData).toEqual([{ path: 'payload.reference', action: 'truncated' }]);
    expectNoPan(t, results);
  });

  it('a PAN in the eventId is not echoed back or stored', async () => {
    const t = testPlatform();
    const e = ev.payment('derby', 'PAY-5', AT, 'ok', { eventId: `evt-${PAN}` });
    const results = await t.platform.ingest([e], 'svc');
    const r = rejected(results[0]);
    expect(r.reasons.map((x) => x.path)).toContain('eventId');
    expectNoPan(t, results);
  });
});

describe('IngestService: subject linking', () => {
  const ids = (...x: Array<[string, string]>) => ({ subject: { identifiers: x.map(([kind, value]) => ({ kind, value })) } });

  it('the same phone number (in different formats) in two events links them to one subject', async () => {
    const t = testPlatform();
    const [a] = await t.platform.ingest([ev.enquiry('north-kesteven', 'ENQ-1', AT, 'q', ids(['phone', '01529 414155'], ['email', 'a@example.org']))], 'svc');
    const [b] = await t.platform.ingest([ev.complaintOpened('north-kesteven', 'CMP-1', AT, ids(['phone', '+44 1529 414155'], ['email', 'b@example.org']))], 'svc');
    const [c] = await t.platform.ingest([ev.enquiry('north-kesteven', 'ENQ-2', AT, 'q', ids(['phone', '0044 1529 414155']))], 'svc');
    expect(accepted(b).subjectRef).toBe(accepted(a).subjectRef);
    expect(accepted(c).subjectRef).toBe(accepted(a).subjectRef);
    expect(t.ports.subjects.subjects.size).toBe(1);
  });

  it('links within one batch too, and emails compare case-insensitively', async () => {
    const t = testPlatform();
    const rs = await t.platform.ingest(
      [
        ev.enquiry('derby', 'ENQ-1', AT, 'q', ids(['email', 'Pat.Jones@Example.org'])),
        ev.enquiry('derby', 'ENQ-2', AT, 'q', ids(['email', 'pat.jones@example.org'], ['phone', '07700 900123'])),
        ev.enquiry('derby', 'ENQ-3', AT, 'q', ids(['phone', '+44 7700 900123'])),
      ],
      'svc',
    );
    const refs = rs.map((r) => accepted(r).subjectRef);
    expect(new Set(refs).size).toBe(1);
  });

  it('different people get different subjects', async () => {
    const t = testPlatform();
    const rs = await t.platform.ingest([ev.enquiry('derby', 'ENQ-1', AT, 'q', ids(['email', 'a@example.org'])), ev.enquiry('derby', 'ENQ-2', AT, 'q', ids(['email', 'b@example.org']))], 'svc');
    expect(accepted(rs[0]).subjectRef).not.toBe(accepted(rs[1]).subjectRef);
  });

  it('different councils never share a subject, even for identical identifiers', async () => {
    const t = testPlatform();
    const same = ids(['phone', '01529 414155'], ['email', 'pat@example.org']);
    const rs = await t.platform.ingest([ev.enquiry('derby', 'ENQ-1', AT, 'q', same), ev.enquiry('durham', 'ENQ-1', AT, 'q', same), ev.enquiry('north-kesteven', 'ENQ-1', AT, 'q', same)], 'svc');
    const refs = rs.map((r) => accepted(r).subjectRef);
    expect(new Set(refs).size).toBe(3);
    const derbyHashes = [...t.ports.subjects.index.get('derby')!.keys()];
    const durhamHashes = [...t.ports.subjects.index.get('durham')!.keys()];
    expect(derbyHashes.filter((h) => durhamHashes.includes(h))).toEqual([]);
    // and the record ids differ per council for the same council-system reference
    expect(new Set(rs.map((r) => accepted(r).recordId)).size).toBe(3);
  });

  it('identifiers that meet two existing subjects link to the earliest and audit the conflict', async () => {
    const t = testPlatform();
    const [a] = await t.platform.ingest([ev.enquiry('derby', 'ENQ-1', AT, 'q', ids(['email', 'a@example.org']))], 'svc');
    const [b] = await t.platform.ingest([ev.enquiry('derby', 'ENQ-2', AT, 'q', ids(['email', 'b@example.org']))], 'svc');
    const [c] = await t.platform.ingest([ev.enquiry('derby', 'ENQ-3', AT, 'q', ids(['email', 'b@example.org'], ['email', 'a@example.org']))], 'svc');
    expect(accepted(c).subjectRef).toBe(accepted(a).subjectRef);
    const conflict = t.ports.audit.entries.find((e) => e.action === 'subject.link-conflict')!;
    expect(conflict).toBeDefined();
    expect(conflict.target).toEqual({ kind: 'subject', id: accepted(a).subjectRef });
    expect(conflict.details).toEqual({ otherSubjects: [accepted(b).subjectRef] });
  });

  it('a name alone does not link across batches', async () => {
    const t = testPlatform();
    const [a] = await t.platform.ingest([ev.enquiry('derby', 'ENQ-1', AT, 'q', ids(['name', 'Pat Jones']))], 'svc');
    const [b] = await t.platform.ingest([ev.enquiry('derby', 'ENQ-2', AT, 'q', ids(['name', 'Pat Jones']))], 'svc');
    expect(accepted(a).subjectRef).not.toBe(accepted(b).subjectRef);
  });

  /*
   * Regression (found by this suite, fixed): IngestService.ingest memoises subject resolution per
   * batch by `${controller}|${hashes.join(',')}`. Events with no linking key (e.g. only a name, which by
   * the linking rule never links) all have the memo key "<controller>|", so every such event in ONE batch
   * gets the subject created for the first of them: different people are merged into one subject (their
   * records, SARs and erasures mixed), while the same events in separate batches are kept apart.
   * Fix: when `hashes` is empty, do not memoise (always resolve with a fresh ref), e.g.
   * `let ref = hashes.length ? subjectOf.get(memo) : undefined;` and only `subjectOf.set` when hashes.length.
   */
  it('events with no linking key in one batch are not merged into one subject', async () => {
    const t = testPlatform();
    const rs = await t.platform.ingest([ev.enquiry('derby', 'ENQ-1', AT, 'q', ids(['name', 'Pat Jones'])), ev.enquiry('derby', 'ENQ-2', AT, 'q', ids(['name', 'Sam Smith']))], 'svc');
    expect(accepted(rs[0]).subjectRef).not.toBe(accepted(rs[1]).subjectRef);
  });
});

describe('IngestService.check', () => {
  it('is pure: reports the policy version and card findings without touching the ports', () => {
    const t = testPlatform();
    const c = t.platform.ingestion.check(ev.payment('derby', 'PAY-1', AT, `x ${PAN}`));
    expect(c.ok).toBe(true);
    if (c.ok) {
      expect(c.policyVersion).toBe('derby@1.0.0');
      expect(c.cardData).toEqual([{ path: 'payload.reference', action: 'truncated' }]);
      expect(JSON.stringify(c.event)).not.toContain(PAN);
    }
    expect(t.ports.dump()).toBe(testPlatform().ports.dump());
  });

  it('locations default to none when omitted', () => {
    const t = testPlatform();
    const e = envelope('visitor.signed-in', 'derby', 'visitor-log', AT, { visitId: 'V-1', site: 'Council House' });
    delete e.locations;
    const c = t.platform.ingestion.check({ ...e, eventId: nextEventId() });
    expect(c.ok).toBe(true);
    if (c.ok) expect(c.event.locations).toEqual([]);
  });
});

describe('IngestService over a log that cannot refuse repeats (Kafka)', () => {
  it('answers duplicate from the idempotency keys, publishes nothing again, and remembers only what was appended', async () => {
    const t = testPlatform();
    const published: string[] = [];
    const kafkaLike = { publish: async (events: StoredEvent[]) => events.map((e, i) => (published.push(e.eventId), { eventId: e.eventId, status: 'appended' as const, offset: published.length - events.length + i })) };
    const ingest = new IngestService({ clock: t.clock, book: t.book, master: t.master, sealer: t.sealer, subjects: t.ports.subjects, deadLetters: t.ports.deadLetters, audit: t.ports.audit, bus: kafkaLike, idempotency: t.ports.idempotency });
    const a = ev.enquiry('derby', 'ENQ-1', AT);
    const b = ev.enquiry('derby', 'ENQ-2', AT);
    const bad = { ...ev.enquiry('derby', 'ENQ-3', AT), category: 'complaint' };
    expect((await ingest.ingest([a, bad], 'svc')).map((r) => r.status)).toEqual(['accepted', 'rejected']);
    expect((await ingest.ingest([a, b, b], 'svc')).map((r) => r.status)).toEqual(['duplicate', 'accepted', 'duplicate']);
    expect(published).toEqual([a.eventId, b.eventId]);
    expect([...t.ports.idempotency.ids.keys()].sort()).toEqual([a.eventId, b.eventId].sort());
  });
});
