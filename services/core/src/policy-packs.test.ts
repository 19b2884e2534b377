import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { DataCategory, PolicyPack } from '@custodian/contracts';
import { PolicyBook, PolicyPackError, loadPolicyPack, loadPolicyPacks, DEFAULT_PACK_DIR, type LoadedPack } from './policy-packs';

const SHARED = resolve(__dirname, '../../../../shared');
const SEEDS = join(SHARED, 'seeds');
const KNOWLEDGE = 'shared/knowledge/uk-data-protection.md';
const COUNCILS = ['derby', 'durham', 'newark-sherwood', 'north-kesteven', 'nottinghamshire'];

const packs = loadPolicyPacks();
const book = new PolicyBook(packs);

function pack(id: string): PolicyPack {
  const p = book.pack(id);
  if (!p) throw new Error(`no pack ${id}`);
  return p.pack;
}
function category(id: string, c: DataCategory) {
  const found = book.category(id, c);
  if (!found) throw new Error(`${id} has no ${c} category`);
  return found;
}

interface Prov {
  source: 'notice' | 'assumption';
  quote?: string;
  assumption?: string;
}
/** Every provenance in a pack with where it sits, including the ones the schema's refinement does not walk. */
function provenances(value: unknown, path = ''): Array<{ path: string; prov: Prov }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => provenances(v, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const here = path ? `${path}.${k}` : k;
    return k === 'provenance' ? [{ path: here, prov: v as Prov }] : provenances(v, here);
  });
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

/** GitHub's heading anchors: lower-case, punctuation dropped, spaces to hyphens. */
function headingSlugs(markdown: string): Set<string> {
  const slugs = markdown
    .split('\n')
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => l.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  return new Set(slugs);
}

describe('policy packs', () => {
  it('load: exactly one valid pack per seed council, version 1.0.0', () => {
    expect(packs.map((p) => p.pack.id).sort()).toEqual(COUNCILS);
    for (const p of packs) {
      expect(p.ref).toBe(`${p.pack.id}@1.0.0`);
      expect(basename(p.file)).toBe(`${p.pack.id}.yaml`);
      expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  describe('newark-sherwood', () => {
    const p = pack('newark-sherwood');

    it.each(['call-recording', 'webchat-recording'] as const)('%s: deleted 40 days after recording, from 8x8 and the council files', (c) => {
      const cat = category('newark-sherwood', c);
      expect(cat.retention).toMatchObject({ duration: 'P40D', trigger: 'occurred', action: 'delete', provenance: { source: 'notice' } });
      expect(cat.retention.provenance.quote).toContain('automatically deleted after 40 days');
      expect([...cat.stores].sort()).toEqual(['8x8', 'recordings-files']);
      expect(cat.lawfulBasis.primary).toBe('6(1)(e)');
      expect([...cat.lawfulBasis.additional].sort()).toEqual(['6(1)(b)', '6(1)(f)']);
      expect(cat.lawfulBasis.specialCategory?.condition).toMatch(/9\(2\)\(g\)/);
      expect(cat.lawfulBasis.specialCategory?.condition).toMatch(/substantial public interest/);
    });

    it('stores: 8x8 over http as processor 8x8 in GB, recordings-files on the council servers in GB', () => {
      expect(p.stores.find((s) => s.id === '8x8')).toEqual({ id: '8x8', name: expect.any(String), kind: 'http', processor: '8x8', country: 'GB' });
      expect(p.stores.find((s) => s.id === 'recordings-files')).toMatchObject({ kind: 'files', country: 'GB' });
      expect(p.stores.find((s) => s.id === 'recordings-files')?.processor).toBeUndefined();
      expect(p.processors.find((x) => x.id === '8x8')?.provenance.quote).toBe('hosted by our phone provider (currently 8x8)');
    });

    it('recording: calls from 1 Dec 2021 in three teams, web chat from 23 Feb 2022 in two, paused for payments and transfers', () => {
      const rec = p.recording!;
      expect(rec.channels).toEqual([
        { channel: 'call', from: '2021-12-01', teams: ['customer-services', 'housing-services', 'careline-services'], provider: '8x8' },
        { channel: 'webchat', from: '2022-02-23', teams: ['customer-services', 'housing-services'], provider: '8x8' },
      ]);
      expect([...rec.pausesDuring].sort()).toEqual(['payment', 'transfer']);
      expect(rec.access).toBe('authorised-managers-per-location');
      expect(p.cardData.onDetect).toBe('reject');
    });
  });

  describe('north-kesteven', () => {
    const p = pack('north-kesteven');

    it('complaint: 7 years after closure, quoted from the notice', () => {
      expect(category('north-kesteven', 'complaint').retention).toEqual({
        duration: 'P7Y',
        trigger: 'closed',
        action: 'delete',
        provenance: { source: 'notice', quote: 'seven years after the date we close your complaint, comment or compliment' },
      });
    });

    it('enquiry: 2 years from the last activity, the start of the clock being a declared assumption', () => {
      const r = category('north-kesteven', 'enquiry').retention;
      expect(r).toMatchObject({ duration: 'P2Y', trigger: 'last-activity', provenance: { source: 'assumption' } });
      expect(r.provenance.quote).toContain('two years in relation to a customer enquiry');
      expect(p.assumptions.map((a) => a.id)).toContain(r.provenance.assumption);
    });

    it('call recordings: period by assumption citing the retention table; paused for payment only', () => {
      const r = category('north-kesteven', 'call-recording').retention;
      expect(r.provenance.source).toBe('assumption');
      const a = p.assumptions.find((x) => x.id === r.provenance.assumption);
      expect(a?.cites).toContain(`${KNOWLEDGE}#retention-periods-seen-in-councils-schedules-for-defaults-where-a-notice-defers-to-our-schedule`);
      // the notice records calls that are transferred, so transfer must not pause recording here
      expect(p.recording?.pausesDuring).toEqual(['payment']);
    });

    it('bases, registration, transfers, recipients and card data follow the notice', () => {
      expect(p.icoRegistration).toBe('Z5680267');
      const bases = new Set(p.categories.flatMap((c) => [c.lawfulBasis.primary, ...c.lawfulBasis.additional]));
      expect([...bases].sort()).toEqual(['6(1)(a)', '6(1)(e)']);
      expect(category('north-kesteven', 'enquiry').lawfulBasis.specialCategory?.condition).toMatch(/9\(2\)\(a\)/);
      expect(category('north-kesteven', 'complaint').lawfulBasis.specialCategory?.condition).toMatch(/9\(2\)\(a\)/);
      expect(p.transfers).toMatchObject({ stance: 'none-outside-uk-eea', provenance: { source: 'notice' } });
      expect(p.recipients.map((r) => r.kind)).toEqual(expect.arrayContaining(['ombudsman', 'police']));
      expect(p.recipients.find((r) => r.kind === 'ombudsman')?.name).toBe('Local Government and Social Care Ombudsman');
      expect(p.cardData).toEqual({ onDetect: 'reject', provenance: { source: 'notice', quote: expect.stringContaining('recording will stop when you provide your payment card details') } });
      expect(p.stores.map((s) => [s.id, s.kind])).toEqual([['crm', 'http'], ['telephony-recordings', 'files']]);
    });
  });

  describe('nottinghamshire', () => {
    const p = pack('nottinghamshire');

    it('has its five categories, every retention period by assumption', () => {
      expect(p.categories.map((c) => c.id).sort()).toEqual(['call-recording', 'complaint', 'enquiry', 'payment', 'webchat-recording']);
      for (const c of p.categories) expect([c.id, c.retention.provenance.source]).toEqual([c.id, 'assumption']);
    });

    it('web chat is held by Click4Assistance, a UK processor named in the notice', () => {
      const chat = category('nottinghamshire', 'webchat-recording');
      const stores = p.stores.filter((s) => chat.stores.includes(s.id));
      expect(stores.map((s) => s.processor)).toEqual(['click4assistance']);
      expect(p.processors.find((x) => x.id === 'click4assistance')).toMatchObject({ country: 'GB', provenance: { source: 'notice', quote: expect.stringContaining('UK based') } });
    });

    it('public task, with special-category and criminal-offence conditions; safeguarded transfers; card numbers truncated', () => {
      for (const c of p.categories) {
        expect(c.lawfulBasis.primary).toBe('6(1)(e)');
        expect(c.lawfulBasis.specialCategory?.condition).toMatch(/substantial public interest/);
        expect(c.lawfulBasis.criminalOffence?.condition).toMatch(/statutory purposes.*legal claims.*judicial acts/);
      }
      expect(p.transfers).toMatchObject({ stance: 'with-safeguards', provenance: { source: 'notice' } });
      expect(p.cardData.onDetect).toBe('truncate');
    });
  });

  describe('derby', () => {
    const p = pack('derby');

    it('complaints on legitimate interests as published, flagged by an assumption about public authorities', () => {
      const lb = category('derby', 'complaint').lawfulBasis;
      expect(lb.primary).toBe('6(1)(f)');
      expect(lb.provenance.source).toBe('notice');
      const a = p.assumptions.find((x) => x.id === lb.provenance.assumption);
      expect(a?.text).toMatch(/[Pp]ublic authorities cannot rely on 6\(1\)\(f\)/);
      expect(a?.cites.some((c) => c.startsWith(`${KNOWLEDGE}#lawful-bases`))).toBe(true);
    });

    it('visitor log: legitimate interests, about 3 months', () => {
      const v = category('derby', 'visitor-log');
      expect(v.lawfulBasis.primary).toBe('6(1)(f)');
      expect(v.retention).toMatchObject({ duration: 'P3M', trigger: 'occurred', provenance: { source: 'assumption' } });
    });

    it('equalities monitoring is segregated in its own store, under 9(2)(g) and Sch 1 para 8', () => {
      const eq = category('derby', 'equalities-monitoring');
      expect(eq.segregated).toBe(true);
      expect(eq.lawfulBasis.specialCategory).toMatchObject({ condition: expect.stringMatching(/9\(2\)\(g\)/), dpa2018: expect.stringMatching(/Sch 1 para 8/) });
      const others = p.categories.filter((c) => c.id !== 'equalities-monitoring').flatMap((c) => c.stores);
      for (const s of eq.stores) expect(others).not.toContain(s);
    });

    it('payments truncate card numbers; recipients and transfers as documented', () => {
      expect(category('derby', 'payment').retention.trigger).toBe('financial-year-end');
      expect(p.cardData.onDetect).toBe('truncate');
      expect(new Set(p.recipients.map((r) => r.kind))).toEqual(new Set(['police', 'other-council', 'court', 'legal', 'insurer', 'emergency-service']));
      expect(p.transfers).toMatchObject({ stance: 'none-outside-uk-eea', provenance: { source: 'assumption' } });
    });
  });

  describe('durham', () => {
    const p = pack('durham');

    it('CRM profile: "duration of administrative use" read as a period after the last activity', () => {
      const r = category('durham', 'crm-profile').retention;
      expect(r).toMatchObject({ trigger: 'last-activity', provenance: { source: 'assumption', quote: expect.stringContaining('duration of their administrative use') } });
      const a = p.assumptions.find((x) => x.id === r.provenance.assumption);
      expect(a?.cites).toContain(`${KNOWLEDGE}#retention-periods-seen-in-councils-schedules-for-defaults-where-a-notice-defers-to-our-schedule`);
    });

    it('public task with legitimate interests; nothing outside the EEC; police, fire and ambulance', () => {
      expect(p.categories.map((c) => c.id).sort()).toEqual(['crm-profile', 'enquiry']);
      for (const c of p.categories) expect([c.lawfulBasis.primary, c.lawfulBasis.additional]).toEqual(['6(1)(e)', ['6(1)(f)']]);
      expect(p.transfers).toEqual({ stance: 'none-outside-uk-eea', provenance: { source: 'notice', quote: 'We do not process your personal information outside of the EEC.' } });
      expect(p.recipients.map((r) => r.id).sort()).toEqual(['ambulance', 'fire-and-rescue', 'police']);
    });
  });

  describe.each(COUNCILS)('%s: provenance holds up', (id) => {
    const p = pack(id);
    const seedFile = join(SEEDS, basename(p.notice.seed));
    const seed = existsSync(seedFile) ? normalise(readFileSync(seedFile, 'utf8')) : '';
    const all = provenances(p);
    const declared = new Set(p.assumptions.map((a) => a.id));

    it('names its seed notice, and the notice title appears in it', () => {
      expect(existsSync(seedFile)).toBe(true);
      expect(seed).toContain(normalise(p.notice.title));
    });

    it('quotes the notice verbatim (whitespace-normalised) wherever it quotes', () => {
      const quoted = all.filter((x) => x.prov.quote !== undefined);
      expect(quoted.length).toBeGreaterThan(0);
      for (const { path, prov } of quoted) expect({ path, found: seed.includes(normalise(prov.quote!)) }).toEqual({ path, found: true });
    });

    it('points every provenance at a declared assumption, including those the schema does not check', () => {
      for (const { path, prov } of all.filter((x) => x.prov.assumption !== undefined)) {
        expect({ path, declared: declared.has(prov.assumption!) }).toEqual({ path, declared: true });
      }
    });

    it('uses every assumption it declares, each citing a real section of the knowledge file', () => {
      const knowledge = readFileSync(join(SHARED, 'knowledge/uk-data-protection.md'), 'utf8');
      const slugs = headingSlugs(knowledge);
      const used = new Set(all.map((x) => x.prov.assumption).filter(Boolean));
      for (const a of p.assumptions) {
        expect({ id: a.id, used: used.has(a.id) }).toEqual({ id: a.id, used: true });
        const anchors = a.cites.filter((c) => c.startsWith(`${KNOWLEDGE}#`)).map((c) => c.slice(KNOWLEDGE.length + 1));
        expect({ id: a.id, anchors: anchors.length > 0 && anchors.every((s) => slugs.has(s)) }).toEqual({ id: a.id, anchors: true });
        for (const c of a.cites.filter((x) => x.startsWith('shared/seeds/'))) expect(existsSync(join(SHARED, '..', c))).toBe(true);
      }
    });

    it('keeps references consistent: stores used, recipients and recording point at declared things', () => {
      const cats = new Set(p.categories.map((c) => c.id));
      const used = new Set(p.categories.flatMap((c) => c.stores));
      for (const s of p.stores) expect({ store: s.id, used: used.has(s.id) }).toEqual({ store: s.id, used: true });
      for (const r of p.recipients) for (const c of r.categories) expect({ recipient: r.id, c, declared: cats.has(c) }).toEqual({ recipient: r.id, c, declared: true });
      const processors = new Set(p.processors.map((x) => x.id));
      for (const ch of p.recording?.channels ?? []) if (ch.provider) expect(processors.has(ch.provider)).toBe(true);
      const recorded = p.categories.some((c) => c.id === 'call-recording' || c.id === 'webchat-recording');
      expect(p.recording !== undefined).toBe(recorded);
    });
  });

  it('the loader rejects a pack whose provenance points at an undeclared assumption, naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'packs-'));
    const file = join(dir, 'broken.yaml');
    const text = readFileSync(join(DEFAULT_PACK_DIR, 'durham.yaml'), 'utf8').replace('assumption: durham-enquiry-period }', 'assumption: not-declared }');
    expect(text).toContain('not-declared');
    writeFileSync(file, text);
    expect(() => loadPolicyPack(file)).toThrow(PolicyPackError);
    expect(() => loadPolicyPack(file)).toThrow(/categories\[1\]\.retention\.provenance\.assumption/);
  });

  it('the loader refuses two packs with one id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'packs-'));
    copyFileSync(join(DEFAULT_PACK_DIR, 'derby.yaml'), join(dir, 'a.yaml'));
    copyFileSync(join(DEFAULT_PACK_DIR, 'derby.yaml'), join(dir, 'b.yml'));
    expect(() => loadPolicyPacks(dir)).toThrow(/two policy packs have the id "derby"/);
  });

  it('PolicyBook looks categories up by controller', () => {
    expect(book.controllers().sort()).toEqual(COUNCILS);
    expect(book.category('durham', 'call-recording')).toBeUndefined();
    expect(book.category('nobody', 'enquiry')).toBeUndefined();
    const loaded: LoadedPack | undefined = book.pack('newark-sherwood');
    expect(loaded?.pack.council).toBe('Newark and Sherwood District Council');
  });
});
