import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CATEGORIES_BY_TYPE,
  EventEnvelope,
  PolicyPack,
  findPans,
  lifecycleFacts,
  type DataCategory,
  type PolicyPackInput,
} from '@custodian/contracts';
import { loadPolicyPacks, type LoadedPack } from '@custodian/core';
import { BAD_EVENT_KINDS, generateDemoStream, type DemoStream, type DemoStreamOptions } from './generator';
import { JsonlError, readJsonl, writeJsonl } from './jsonl';

// ---------------------------------------------------------------------------------------------------------
// Fixture packs: small, but shaped like the real ones, so the generator is tested against the contract
// rather than against whatever the YAML packs happen to say today.

const quote = { source: 'notice' as const, quote: 'fixture' };
const category = (id: DataCategory, stores: string[], personalData: string[] = ['name', 'contact details']): PolicyPackInput['categories'][number] => ({
  id,
  description: `${id} records`,
  personalData,
  lawfulBasis: { primary: '6(1)(e)', provenance: quote },
  retention: { duration: 'P2Y', trigger: 'closed', action: 'delete', provenance: quote },
  stores,
  purposes: ['deliver the service'],
});

function fixture(input: Omit<PolicyPackInput, 'version' | 'notice' | 'dpoContact' | 'cardData' | 'automatedDecisions' | 'transfers'>): LoadedPack {
  const pack = PolicyPack.parse({
    version: '1.0.0',
    notice: { title: 'fixture', seed: 'fixture' },
    dpoContact: 'dpo@example.gov.uk',
    cardData: { onDetect: 'reject', provenance: quote },
    automatedDecisions: false,
    transfers: { stance: 'none-outside-uk-eea', provenance: quote },
    ...input,
  });
  return { pack, ref: `${pack.id}@${pack.version}`, sha256: '0'.repeat(64), file: `${pack.id}.yaml` };
}

const FIXTURES: LoadedPack[] = [
  fixture({
    id: 'newark-sherwood',
    council: 'Newark and Sherwood District Council',
    stores: [
      { id: '8x8', name: '8x8 recordings', kind: 'http', processor: '8x8', country: 'GB' },
      { id: 'kept-recordings', name: 'Recordings kept longer', kind: 'files', country: 'GB' },
    ],
    processors: [{ id: '8x8', name: '8x8', role: 'processor', service: 'telephony', country: 'GB', provenance: quote }],
    recording: {
      channels: [
        { channel: 'call', from: '2021-12-01', teams: ['customer-services', 'housing-services', 'careline-services'], provider: '8x8' },
        { channel: 'webchat', from: '2022-02-23', teams: ['customer-services', 'housing-services'], provider: '8x8' },
      ],
      pausesDuring: ['payment', 'transfer'],
      access: 'authorised-managers-per-location',
      locations: ['castle-house', 'kelham-hall'],
      provenance: quote,
    },
    categories: [category('call-recording', ['8x8', 'kept-recordings']), category('webchat-recording', ['8x8', 'kept-recordings'])],
  }),
  fixture({
    id: 'derby',
    council: 'Derby City Council',
    stores: [
      { id: 'crm', name: 'CRM', kind: 'http', country: 'GB' },
      { id: 'visitors', name: 'Visitor system', kind: 'http', country: 'GB' },
      { id: 'payments', name: 'Payments', kind: 'http', country: 'GB' },
      { id: 'custodian-log', name: 'Custodian event log', kind: 'platform', country: 'GB' },
      { id: 'equalities', name: 'Equalities responses', kind: 'files', country: 'GB' },
    ],
    categories: [
      category('enquiry', ['crm', 'custodian-log'], ['contact details', 'age']),
      category('complaint', ['crm']),
      category('payment', ['payments']),
      category('visitor-log', ['visitors']),
      category('equalities-monitoring', ['equalities']),
    ],
  }),
  fixture({
    id: 'durham',
    council: 'Durham County Council',
    stores: [{ id: 'crm', name: 'CRM', kind: 'http', country: 'GB' }],
    categories: [category('crm-profile', ['crm'], ['name', 'address', 'your date of birth']), category('enquiry', ['crm'], ['name', 'your date of birth'])],
  }),
  fixture({
    id: 'nottinghamshire',
    council: 'Nottinghamshire County Council',
    stores: [
      { id: 'crm', name: 'CRM', kind: 'http', country: 'GB' },
      { id: 'call-recordings', name: 'Recordings', kind: 'files', country: 'GB' },
      { id: 'click4assistance', name: 'Live chat', kind: 'http', processor: 'click4assistance', country: 'GB' },
      { id: 'payments', name: 'Payments', kind: 'http', country: 'GB' },
    ],
    processors: [{ id: 'click4assistance', name: 'Click4Assistance', role: 'processor', service: 'live chat', country: 'GB', provenance: quote }],
    categories: [
      category('enquiry', ['crm'], ['name', 'date of birth (children\'s services)']),
      category('complaint', ['crm']),
      category('call-recording', ['call-recordings']),
      // no recording rules for chat: the provider has to come from the store's processor
      category('webchat-recording', ['click4assistance']),
      category('payment', ['payments']),
    ],
  }),
];

const START = new Date('2026-03-02T00:00:00Z');
const BASE: DemoStreamOptions = { packs: FIXTURES, seed: 7, start: START, days: 28, perCouncilPerDay: 20, badEventRate: 0.02 };

type Env = EventEnvelope;

/** Splits a stream into good and bad by regenerating it without bad events: the generator marks nothing. */
function split(opts: DemoStreamOptions) {
  const withBad = generateDemoStream(opts);
  const clean = generateDemoStream({ ...opts, badEventRate: 0 });
  const bad = new Set<number>();
  withBad.events.forEach((e, i) => {
    if (JSON.stringify(e) !== JSON.stringify(clean.events[i])) bad.add(i);
  });
  const good = withBad.events.filter((_, i) => !bad.has(i)) as Env[];
  return { withBad, clean, bad, good };
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

const hasPan = (e: unknown) => strings(e).some((s) => findPans(s).length > 0);

const fixtureRun = split(BASE);

describe('generateDemoStream', () => {
  test('the same seed gives byte-identical output and another seed does not', () => {
    const a = generateDemoStream(BASE);
    const b = generateDemoStream({ ...BASE, packs: [...FIXTURES].reverse() });
    // booleans, not the strings: a failure should not print megabytes of JSON
    expect(JSON.stringify(b) === JSON.stringify(a)).toBe(true);
    const c = generateDemoStream({ ...BASE, seed: 8 });
    expect(JSON.stringify(c.events) === JSON.stringify(a.events)).toBe(false);
    // neighbouring seeds once hashed to the same stream; every event should differ, not just some
    const d = generateDemoStream({ ...BASE, seed: 6 });
    expect(d.events.slice(0, 20).filter((e, i) => JSON.stringify(e) === JSON.stringify(a.events[i])).length).toBe(0);
  });

  test('a council\'s events do not change when other councils are added', () => {
    const alone = generateDemoStream({ ...BASE, packs: [FIXTURES[1]!], badEventRate: 0 });
    const all = generateDemoStream({ ...BASE, badEventRate: 0 });
    expect(all.events.filter((e) => (e as Env).controller === 'derby')).toEqual(alone.events);
  });

  test('every event validates except the bad ones, and every bad one is detectable', () => {
    const { withBad, bad, good } = fixtureRun;
    expect(withBad.events.length).toBeGreaterThan(1000);
    expect(bad.size).toBe(Math.round(withBad.events.length * 0.02));
    expect(withBad.stats.bad).toBe(bad.size);

    const failing = withBad.events.map((e, i) => [i, EventEnvelope.safeParse(e).success] as const).filter(([, ok]) => !ok).map(([i]) => i);
    expect(failing.every((i) => bad.has(i))).toBe(true);
    expect(good.every((e) => EventEnvelope.safeParse(e).success)).toBe(true);

    const controllers = new Set(FIXTURES.map((p) => p.pack.id));
    const schemaBad = [...bad].filter((i) => !EventEnvelope.safeParse(withBad.events[i]).success);
    const panBad = [...bad].filter((i) => hasPan(withBad.events[i]));
    const controllerBad = [...bad].filter((i) => !controllers.has((withBad.events[i] as Env).controller));
    // each bad event breaks exactly one rule, so the three ways of finding them partition the set
    expect(schemaBad.length + panBad.length + controllerBad.length).toBe(bad.size);
    expect(failing.length).toBe(schemaBad.length);
    expect(panBad.length).toBe(withBad.stats['bad:card-number-in-free-text']);
    expect(controllerBad.length).toBe(withBad.stats['bad:unknown-controller']);
    for (const kind of BAD_EVENT_KINDS) expect(withBad.stats[`bad:${kind}`]).toBeGreaterThan(0);
  });

  test('bad events are the kinds promised', () => {
    const { withBad, bad, clean } = fixtureRun;
    const seen = new Set<string>();
    for (const i of bad) {
      const e = withBad.events[i] as Record<string, unknown> & { payload: Record<string, unknown> };
      const before = clean.events[i] as Env;
      if (!('eventId' in e)) seen.add('missing-event-id');
      else if (e.category !== before.category) {
        expect(CATEGORIES_BY_TYPE[before.type]).not.toContain(e.category);
        seen.add('wrong-category');
      } else if (e.occurredAt !== before.occurredAt) {
        expect(String(e.occurredAt)).not.toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);
        seen.add('malformed-occurred-at');
      } else if (e.controller !== before.controller) seen.add('unknown-controller');
      else if (Object.keys(e.payload).length > Object.keys(before.payload).length) seen.add('unknown-field');
      else if (hasPan(e)) {
        expect(e.type).toBe('payment.taken');
        expect(String(e.payload.reference)).toMatch(/paid with \d{4} \d{4} \d{4} \d{4}/);
        seen.add('card-number-in-free-text');
      }
    }
    expect([...seen].sort()).toEqual([...BAD_EVENT_KINDS].sort());
  });

  test('no generated string carries a card number except the deliberate ones', () => {
    const { withBad, bad } = fixtureRun;
    const withPan = withBad.events.map((e, i) => [i, hasPan(e)] as const).filter(([, p]) => p).map(([i]) => i);
    expect(withPan.length).toBe(withBad.stats['bad:card-number-in-free-text']);
    expect(withPan.every((i) => bad.has(i))).toBe(true);
    expect(strings(withBad.artifacts).some((s) => findPans(s).length > 0)).toBe(false);
  });

  test('event ids are unique and long enough to be idempotency keys', () => {
    const ids = fixtureRun.clean.events.map((e) => (e as Env).eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/.test(id))).toBe(true);
  });

  test('events are in occurredAt order and inside the window', () => {
    const times = fixtureRun.good.map((e) => Date.parse(e.occurredAt));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(times[0]!).toBeGreaterThanOrEqual(START.getTime());
    expect(times[times.length - 1]!).toBeLessThan(START.getTime() + BASE.days * 86_400_000);
  });

  test('each council produces only the categories its pack holds, with the types that carry them', () => {
    for (const lp of FIXTURES) {
      const held = new Set(lp.pack.categories.map((c) => c.id));
      const mine = fixtureRun.good.filter((e) => e.controller === lp.pack.id);
      expect(mine.length).toBeGreaterThan(0);
      expect(new Set(mine.map((e) => e.category))).toEqual(held);
      for (const e of mine) expect(CATEGORIES_BY_TYPE[e.type]).toContain(e.category);
    }
  });

  test('locations name only stores the pack declares for that category, and every one is an artifact', () => {
    const artifactIds = new Set(fixtureRun.clean.artifacts.map((a) => `${a.controller}|${a.store}|${a.locator}`));
    expect(artifactIds.size).toBe(fixtureRun.clean.artifacts.length);
    const used = new Set<string>();
    // the clean run: an artifact whose only event was broken still exists in the council's store
    for (const e of fixtureRun.clean.events as Env[]) {
      const pack = FIXTURES.find((p) => p.pack.id === e.controller)!.pack;
      const allowed = pack.categories.find((c) => c.id === e.category)!.stores;
      for (const l of e.locations ?? []) {
        expect(allowed).toContain(l.store);
        const store = pack.stores.find((s) => s.id === l.store)!;
        expect(store.kind).not.toBe('platform');
        if (store.kind === 'files') expect(l.locator).toMatch(new RegExp(`^${e.controller}/\\d{4}/\\d{2}/[A-Z]+-[A-Z]+-\\d+\\.(wav|json)$`));
        const id = `${e.controller}|${l.store}|${l.locator}`;
        expect(artifactIds).toContain(id);
        used.add(id);
      }
    }
    expect(used.size).toBe(artifactIds.size);
    for (const a of fixtureRun.clean.artifacts) {
      const store = FIXTURES.find((p) => p.pack.id === a.controller)!.pack.stores.find((s) => s.id === a.store)!;
      expect(a.kind).toBe(store.kind);
      expect(a.bytes === undefined).toBe(a.kind === 'http');
    }
    const wav = fixtureRun.clean.artifacts.find((a) => a.locator.endsWith('.wav'));
    expect(wav?.locator).toMatch(/^newark-sherwood\/2026\/0[34]\/NSDC-REC-\d{7}\.wav$|^nottinghamshire\/2026\/0[34]\/NCC-REC-\d{7}\.wav$/);
  });

  test('the same person recurs across records, linked by email or phone', () => {
    const recordsBy = new Map<string, Set<string>>();
    for (const e of fixtureRun.good) {
      const record = `${e.controller}|${e.category}|${lifecycleFacts(e).recordKey}`;
      for (const id of e.subject.identifiers) {
        if (id.kind !== 'email' && id.kind !== 'phone') continue;
        const key = `${e.controller}|${id.kind}|${id.value}`;
        if (!recordsBy.has(key)) recordsBy.set(key, new Set());
        recordsBy.get(key)!.add(record);
      }
    }
    const shared = [...recordsBy.values()].filter((r) => r.size >= 2);
    expect(shared.length).toBeGreaterThan(50);
    // recurring across kinds of record (a caller who later complains), not only a case's own follow-ups
    expect(shared.some((r) => new Set([...r].map((x) => x.split('|')[1])).size >= 2)).toBe(true);
    expect(fixtureRun.clean.stats.recurringPeople).toBeGreaterThan(0);
  });

  test('content looks like UK council data', () => {
    const good = fixtureRun.good;
    const phones = good.flatMap((e) => e.subject.identifiers.filter((i) => i.kind === 'phone').map((i) => i.value));
    expect(phones.length).toBeGreaterThan(100);
    for (const p of phones) expect(p).toMatch(/^(07\d{3} \d{6}|\+44 7\d{3} \d{6}|01\d{2,3} \d{3} ?\d{3,4}|\+44 1\d{2,3} \d{3} ?\d{3,4})$/);
    expect(phones.some((p) => p.startsWith('+44'))).toBe(true);
    expect(phones.some((p) => p.startsWith('07'))).toBe(true);
    expect(phones.some((p) => p.startsWith('01'))).toBe(true);

    const contacts = good.flatMap((e) => (e.type === 'contact.received' || e.type === 'complaint.opened' ? [e.payload] : []));
    const postcodes = contacts.flatMap((p) => (p.contact?.address?.postcode ? [p.contact.address.postcode] : []));
    expect(postcodes.length).toBeGreaterThan(50);
    const derbyPostcodes = good.filter((e) => e.controller === 'derby' && e.type === 'contact.received').flatMap((e) => (e.type === 'contact.received' && e.payload.contact?.address ? [e.payload.contact.address.postcode!] : []));
    expect(derbyPostcodes.every((p) => /^DE\d{1,2} \d[A-Z]{2}$/.test(p))).toBe(true);

    // DOB only for children's services enquiries, and only where the pack says it is collected
    const withDob = good.filter((e) => e.type === 'contact.received' && e.payload.contact?.dateOfBirth);
    expect(withDob.length).toBeGreaterThan(0);
    for (const e of withDob) {
      expect(e.type === 'contact.received' && e.payload.service).toBe("Children's services");
      expect(['nottinghamshire', 'durham']).toContain(e.controller);
    }
    expect(good.some((e) => e.controller === 'derby' && e.type === 'contact.received' && e.payload.contact?.dateOfBirth)).toBe(false);
  });

  test('recordings follow the pack: teams, locations, provider, pauses', () => {
    const nsdc = FIXTURES[0]!.pack;
    const calls = fixtureRun.good.filter((e) => e.type === 'call.recorded');
    for (const e of calls) {
      if (e.type !== 'call.recorded') continue;
      if (e.controller === 'newark-sherwood') {
        expect(nsdc.recording!.channels[0]!.teams).toContain(e.payload.team);
        expect(['castle-house', 'kelham-hall']).toContain(e.payload.callCentreLocation);
        expect(e.source.system).toBe('8x8-telephony');
      }
      for (const p of e.payload.pauses) {
        expect(p.fromSecond).toBeLessThanOrEqual(e.payload.durationSeconds);
        if (p.toSecond !== undefined) expect(p.toSecond).toBeGreaterThan(p.fromSecond);
      }
      expect(e.payload.transferredAway).toBe(e.payload.pauses.some((p) => p.reason === 'transfer'));
    }
    expect(calls.some((e) => e.type === 'call.recorded' && e.payload.pauses.some((p) => p.reason === 'payment'))).toBe(true);
    expect(calls.some((e) => e.type === 'call.recorded' && e.controller === 'newark-sherwood' && e.payload.transferredAway)).toBe(true);
    // Nottinghamshire's fixture pack has no recording rules, so transfers are not assumed there
    expect(calls.some((e) => e.type === 'call.recorded' && e.controller === 'nottinghamshire' && e.payload.transferredAway)).toBe(false);
    expect(new Set(calls.filter((e) => e.controller === 'newark-sherwood').map((e) => e.type === 'call.recorded' && e.payload.team)).size).toBe(3);

    const chats = fixtureRun.good.filter((e) => e.type === 'webchat.recorded');
    const providers = new Map(chats.map((e) => [e.controller, e.type === 'webchat.recorded' ? e.payload.provider : '']));
    expect(providers.get('nottinghamshire')).toBe('click4assistance');
    expect(providers.get('newark-sherwood')).toBe('8x8');
  });

  test('lifecycles: enquiries mostly close, complaints go to stage 2, some to the Ombudsman', () => {
    // four months, so that cases opened early have had time to reach the Ombudsman
    const good = generateDemoStream({ ...BASE, packs: [FIXTURES[1]!, FIXTURES[2]!, FIXTURES[3]!], days: 120, badEventRate: 0 }).events as Env[];
    const count = (t: string) => good.filter((e) => e.type === t).length;
    expect(count('contact.closed')).toBeGreaterThan(count('contact.received') * 0.7);
    expect(count('contact.closed')).toBeLessThan(count('contact.received'));
    expect(count('contact.updated')).toBeGreaterThan(0);
    expect(count('complaint.closed')).toBeLessThan(count('complaint.opened'));
    expect(good.some((e) => e.type === 'complaint.updated' && e.payload.stage === 2)).toBe(true);
    expect(count('complaint.escalated')).toBeGreaterThan(0);
    expect(count('payment.refunded')).toBeGreaterThan(0);
    expect(count('crm.profile.updated')).toBeGreaterThan(0);

    // a follow-up never comes before the record was opened
    const opened = new Map<string, number>();
    for (const e of good) {
      const f = lifecycleFacts(e);
      const key = `${e.controller}|${e.category}|${f.recordKey}`;
      if (f.transition === 'open' && !opened.has(key)) opened.set(key, Date.parse(e.occurredAt));
      if (e.type === 'contact.updated' || e.type === 'contact.closed' || e.type.startsWith('complaint.') && e.type !== 'complaint.opened') {
        expect(opened.has(key)).toBe(true);
      }
    }
  });

  test('payments carry a token and last four digits, never a card number', () => {
    const payments = fixtureRun.good.filter((e) => e.type === 'payment.taken');
    expect(payments.length).toBeGreaterThan(20);
    for (const e of payments) {
      if (e.type !== 'payment.taken') continue;
      expect(e.payload.card?.last4).toMatch(/^\d{4}$/);
      expect(e.payload.card?.token).toMatch(/^tok_/);
      expect(e.source.system).toBe('paymentgateway');
    }
  });

  test('equalities responses carry no case reference and visitors come from the kiosk', () => {
    const eq = fixtureRun.good.filter((e) => e.type === 'equalities.monitoring-submitted');
    expect(eq.length).toBeGreaterThan(0);
    for (const e of eq) expect(JSON.stringify(e.payload)).not.toMatch(/-(ENQ|CMP|CUS|PAY)-/);
    const visits = fixtureRun.good.filter((e) => e.type === 'visitor.signed-in');
    expect(visits.length).toBeGreaterThan(0);
    expect(visits.every((e) => e.controller === 'derby' && e.source.system === 'visitor-kiosk')).toBe(true);
  });

  test('rejects nonsense options', () => {
    expect(() => generateDemoStream({ ...BASE, days: -1 })).toThrow(RangeError);
    expect(() => generateDemoStream({ ...BASE, badEventRate: 2 })).toThrow(RangeError);
    expect(() => generateDemoStream({ ...BASE, start: new Date('nope') })).toThrow(RangeError);
    expect(generateDemoStream({ ...BASE, days: 0 }).events).toEqual([]);
  });
});

describe('with the real policy packs', () => {
  const packs = loadPolicyPacks();
  let run: ReturnType<typeof split>;
  beforeAll(() => {
    run = split({ packs, seed: 42, start: new Date('2026-09-01T00:00:00Z'), days: 60, perCouncilPerDay: 30 });
  });

  test('all five councils are there and every good event is valid', () => {
    expect(packs.map((p) => p.pack.id).sort()).toEqual(['derby', 'durham', 'newark-sherwood', 'north-kesteven', 'nottinghamshire']);
    const { withBad, bad, good } = run;
    expect(bad.size).toBe(Math.round(withBad.events.length * 0.01));
    const failing = withBad.events.filter((e) => !EventEnvelope.safeParse(e).success).length;
    const expected = withBad.stats['bad:missing-event-id']! + withBad.stats['bad:wrong-category']! + withBad.stats['bad:unknown-field']! + withBad.stats['bad:malformed-occurred-at']!;
    expect(failing).toBe(expected);
    expect(good.every((e) => EventEnvelope.safeParse(e).success)).toBe(true);
    expect(good.filter(hasPan)).toEqual([]);
  });

  test('councils stay within their packs', () => {
    for (const lp of packs) {
      const held = new Set(lp.pack.categories.map((c) => c.id));
      const mine = run.good.filter((e) => e.controller === lp.pack.id);
      expect(new Set(mine.map((e) => e.category))).toEqual(held);
      for (const e of mine) {
        const stores = lp.pack.categories.find((c) => c.id === e.category)!.stores;
        for (const l of e.locations ?? []) expect(stores).toContain(l.store);
      }
    }
  });

  test('the notices show through: 8x8 at Newark, Click4Assistance at Nottinghamshire, Durham\'s CRM', () => {
    const good = run.good;
    const nsdc = good.filter((e) => e.controller === 'newark-sherwood' && e.type === 'call.recorded');
    expect(new Set(nsdc.map((e) => e.type === 'call.recorded' && e.payload.team))).toEqual(new Set(['customer-services', 'housing-services', 'careline-services']));
    expect(nsdc.every((e) => e.source.system === '8x8-telephony')).toBe(true);
    const nccChat = good.find((e) => e.controller === 'nottinghamshire' && e.type === 'webchat.recorded');
    expect(nccChat?.type === 'webchat.recorded' && nccChat.payload.provider).toBe('click4assistance');
    const durham = new Set(good.filter((e) => e.controller === 'durham').map((e) => e.type));
    expect(durham).toContain('crm.profile.registered');
    expect(durham).toContain('crm.profile.updated');
    expect(durham).toContain('crm.profile.closed');
    expect(good.some((e) => e.controller === 'derby' && e.type === 'visitor.signed-in')).toBe(true);
    expect(good.some((e) => e.controller === 'derby' && e.type === 'equalities.monitoring-submitted')).toBe(true);
  });

  test('artifacts cover the files and http stores the events name', () => {
    const files = run.clean.artifacts.filter((a) => a.kind === 'files');
    const http = run.clean.artifacts.filter((a) => a.kind === 'http');
    expect(files.length).toBeGreaterThan(0);
    expect(http.length).toBeGreaterThan(0);
    expect(files.every((a) => /^[a-z-]+\/\d{4}\/\d{2}\/[A-Z]+-[A-Z]+-\d+\.(wav|json)$/.test(a.locator) && (a.bytes ?? 0) > 0)).toBe(true);
  });
});

describe('the committed sample', () => {
  test('is readable, commit-sized and mostly valid events', () => {
    const file = join(__dirname, '../sample/demo-events.jsonl');
    expect(statSync(file).size).toBeLessThan(1_000_000);
    const events = readJsonl(file);
    expect(events.length).toBeGreaterThan(400);
    expect(events.length).toBeLessThan(600);
    const invalid = events.filter((e) => !EventEnvelope.safeParse(e).success).length;
    expect(invalid).toBeGreaterThan(0);
    expect(invalid).toBeLessThan(events.length * 0.03);
  });
});

describe('jsonl', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-jsonl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('round-trips a stream, one event per line', () => {
    const s: DemoStream = generateDemoStream({ ...BASE, days: 3 });
    const file = join(dir, 'nested', 'events.jsonl');
    expect(writeJsonl(file, s.events)).toBe(s.events.length);
    expect(readJsonl(file)).toEqual(s.events);
  });

  test('names the line of a malformed entry and skips blank lines', () => {
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, '{"a":1}\r\n\n{"b":2}\n{"c":\n');
    expect(() => readJsonl(file)).toThrow(JsonlError);
    expect(() => readJsonl(file)).toThrow(/broken\.jsonl:4: invalid JSON/);
    writeFileSync(file, '{"a":1}\r\n\n{"b":2}\n');
    expect(readJsonl(file)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  test('refuses undefined rather than shifting line numbers', () => {
    expect(() => writeJsonl(join(dir, 'x.jsonl'), [{ a: 1 }, undefined])).toThrow(TypeError);
  });
});
