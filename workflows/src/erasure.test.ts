import { decideConsentWithdrawal, decideErasure, decideObjectionUpheld, summariseErasure } from './erasure';
import { newHold } from './hold';
import type { RecordState } from './record';
import { enquiryState } from './test-support/records';

const NOW = '2026-06-01T09:00:00.000Z';
const record = (over: Partial<RecordState> = {}) => enquiryState(over);
const openComplaint = () =>
  record({ id: 'rec_complaint01', category: 'complaint', lawfulBasis: '6(1)(e)', retention: { duration: 'P7Y', trigger: 'closed', action: 'delete' }, dueAt: null, clockStartedAt: null, caseRefs: ['CMP-1'] });

describe('decideErasure', () => {
  it('grants consent-based contact data under Art 17(1)(b)', () => {
    expect(decideErasure(record(), NOW, [])).toMatchObject({ decision: 'erase', article: 'Art 17(1)(b)', reason: expect.stringMatching(/6\(1\)\(a\) consent, which the request withdraws/) });
  });
  it('refuses a complaint still open under public task under Art 17(3)(b), saying the clock starts at closure', () => {
    const d = decideErasure(openComplaint(), NOW, []);
    expect(d).toMatchObject({ decision: 'refuse', article: 'Art 17(3)(b)', until: null });
    expect(d.reason).toBe("Refused under Art 17(3)(b) while the complaint is open: it is held on 6(1)(e) public task for the council's public task; its retention (P7Y) starts at closure.");
  });
  it('refuses a closed public-task record until its retention ends, and grants it once due', () => {
    const closed = { ...openComplaint(), lifecycle: { ...openComplaint().lifecycle, open: false, closedAt: '2026-02-01T09:00:00.000Z' }, dueAt: '2033-02-01T09:00:00.000Z' };
    expect(decideErasure(closed, NOW, [])).toMatchObject({ decision: 'refuse', until: '2033-02-01T09:00:00.000Z' });
    expect(decideErasure(closed, '2033-02-02T00:00:00.000Z', [])).toMatchObject({ decision: 'erase', article: 'Art 17(1)(a)' });
  });
  it('a legal hold refuses even consent-based data, naming the hold and the exemption', () => {
    const h = newHold({ id: 'hold_claim', controller: 'north-kesteven', scope: { kind: 'subject', subjectRef: 'subj_person0001' }, reason: 'legal-claim', reference: 'CLAIM-7', reviewEvery: 'P1M' }, 'dpo', NOW);
    expect(decideErasure(record(), NOW, [h])).toMatchObject({ decision: 'refuse', article: 'Art 17(3)(e)', holds: ['hold_claim'], reason: expect.stringMatching(/legal hold hold_claim \(legal claim, CLAIM-7\)/) });
  });
  it('contract data is kept while the thing is open and erased once it is finished', () => {
    expect(decideErasure(record({ lawfulBasis: '6(1)(b)' }), NOW, []).decision).toBe('refuse');
    expect(decideErasure(record({ lawfulBasis: '6(1)(b)', lifecycle: { ...record().lifecycle, open: false, closedAt: NOW } }), NOW, []).decision).toBe('erase');
  });
  it('a disposed or disposing record is already gone', () => {
    expect(decideErasure(record({ status: 'disposed' }), NOW, []).decision).toBe('already-gone');
    expect(decideErasure(record({ status: 'disposing', disposal: { startedAt: NOW, completedAt: null, receipts: [] } }), NOW, []).decision).toBe('already-gone');
  });
  it('summarises a partial outcome', () => {
    expect(summariseErasure([decideErasure(record(), NOW, []), decideErasure(openComplaint(), NOW, [])])).toBe('Erasure partly granted: 1 record(s) to erase; 1 refused (Art 17(3)(b)).');
    expect(summariseErasure([decideErasure(openComplaint(), NOW, [])])).toMatch(/^Erasure refused/);
  });
});

describe('consent withdrawal and objection decisions', () => {
  it('withdrawal erases consent data and leaves other bases unaffected', () => {
    expect(decideConsentWithdrawal(record(), NOW, [])).toMatchObject({ decision: 'erase', article: 'Art 17(1)(b)' });
    expect(decideConsentWithdrawal(openComplaint(), NOW, [])).toMatchObject({ decision: 'refuse', article: 'Art 7(3) not applicable' });
  });
  it('an upheld objection erases public-task and legitimate-interests data under Art 17(1)(c), unless a legal hold keeps it', () => {
    expect(decideObjectionUpheld(openComplaint(), NOW, [])).toMatchObject({ decision: 'erase', article: 'Art 17(1)(c)' });
    expect(decideObjectionUpheld(record({ lawfulBasis: '6(1)(f)' }), NOW, [])).toMatchObject({ decision: 'erase', article: 'Art 17(1)(c)' });
    expect(decideObjectionUpheld(record(), NOW, [])).toMatchObject({ decision: 'refuse', article: 'Art 21 not applicable' });
    const h = newHold({ id: 'hold_o', controller: 'north-kesteven', scope: { kind: 'record', recordId: 'rec_complaint01' }, reason: 'ombudsman', reviewEvery: 'P1M' }, 'dpo', NOW);
    expect(decideObjectionUpheld(openComplaint(), NOW, [h])).toMatchObject({ decision: 'refuse', holds: ['hold_o'] });
  });
  it('a restriction, an objection being assessed or an operator\'s pause never refuses an erasure', () => {
    for (const reason of ['restriction', 'objection', 'operational-pause'] as const) {
      const h = newHold({ id: `hold_${reason}`, controller: 'north-kesteven', scope: { kind: 'subject', subjectRef: 'subj_person0001' }, reason, reviewEvery: 'P1M' }, 'dpo', NOW);
      expect(decideErasure(record(), NOW, [h]).decision).toBe('erase');
    }
  });
});
