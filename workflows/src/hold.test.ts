import fc from 'fast-check';
import { decideDisposal } from './disposal';
import { explainRecord } from './explain';
import { HoldStateError, holdCovers, holdsOn, newHold, reviewHold, reviewState, type Hold } from './hold';
import { applyEvent, type RecordState } from './record';
import { recordingState } from './test-support/records';

const NOW = '2024-03-01T09:00:00.000Z';

const record = (over: Partial<RecordState> = {}) => recordingState({ caseRefs: ['NS-REC-1', 'CMP-77'], ...over });

const hold = (over: Partial<Parameters<typeof newHold>[0]> = {}, at = '2024-01-20T09:00:00.000Z'): Hold =>
  newHold({ id: 'hold_a', controller: 'newark-sherwood', scope: { kind: 'case', caseRef: 'CMP-77' }, reason: 'complaint-investigation', reviewEvery: 'P30D', ...over }, 'dpo@ns', at);

describe('hold scopes', () => {
  it('a case hold covers the recording linked to the case, not another case', () => {
    expect(holdCovers(hold(), record())).toBe(true);
    expect(holdCovers(hold({ scope: { kind: 'case', caseRef: 'CMP-78' } }), record())).toBe(false);
  });
  it('record and subject holds match by id and pseudonymous reference', () => {
    expect(holdCovers(hold({ scope: { kind: 'record', recordId: 'rec_recording1' } }), record())).toBe(true);
    expect(holdCovers(hold({ scope: { kind: 'record', recordId: 'rec_recording2' } }), record())).toBe(false);
    expect(holdCovers(hold({ scope: { kind: 'subject', subjectRef: 'subj_person0001' } }), record())).toBe(true);
    expect(holdCovers(hold({ scope: { kind: 'subject', subjectRef: 'subj_person0002' } }), record())).toBe(false);
  });
  it('a category hold covers records begun within [from, to) of that category only', () => {
    const s = (from: string, to: string) => hold({ scope: { kind: 'category', category: 'call-recording', from, to } });
    expect(holdCovers(s('2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'), record())).toBe(true);
    expect(holdCovers(s('2024-01-01T10:00:00Z', '2024-01-02T00:00:00Z'), record())).toBe(true);
    expect(holdCovers(s('2023-12-01T00:00:00Z', '2024-01-01T10:00:00Z'), record())).toBe(false);
    expect(holdCovers(hold({ scope: { kind: 'category', category: 'complaint', from: '2023-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } }), record())).toBe(false);
  });
  it('a hold of another council never covers the record, nor does a released one', () => {
    expect(holdCovers(hold({ controller: 'derby' }), record())).toBe(false);
    expect(holdCovers(reviewHold(hold(), { decision: 'release', note: 'no longer needed' }, 'dpo', NOW), record())).toBe(false);
  });
  it('a record stored before case references were kept is covered by no case hold', () => {
    const { caseRefs: _, ...old } = record();
    expect(holdCovers(hold(), old as RecordState)).toBe(false);
  });
});

describe('a hold beats disposal', () => {
  it('a due record under a hold is kept, with the hold named in the reason', () => {
    const d = decideDisposal(record(), NOW, [hold()]);
    expect(d.action).toBe('hold');
    if (d.action !== 'hold') return;
    expect(d.holds).toEqual(['hold_a']);
    expect(d.reason).toMatch(/Retention has ended, but a legal hold keeps it: Held by hold_a for complaint investigation/);
  });
  it('holds stack: every covering hold is listed, and one left still keeps it', () => {
    const a = hold();
    const b = hold({ id: 'hold_b', scope: { kind: 'subject', subjectRef: 'subj_person0001' }, reason: 'crime-or-fraud', reference: 'POLICE-123' }, '2024-01-25T09:00:00.000Z');
    const both = decideDisposal(record(), NOW, [b, a]);
    expect(both).toMatchObject({ action: 'hold', holds: ['hold_a', 'hold_b'] });
    expect(both.reason).toMatch(/2 legal holds keep it/);
    const released = reviewHold(a, { decision: 'release', note: 'complaint closed' }, 'dpo', NOW);
    expect(decideDisposal(record(), NOW, [released, b])).toMatchObject({ action: 'hold', holds: ['hold_b'] });
    expect(decideDisposal(record(), NOW, [released])).toMatchObject({ action: 'dispose' });
  });
  it('holds of other records change nothing', () => {
    expect(decideDisposal(record(), NOW, [hold({ scope: { kind: 'case', caseRef: 'CMP-1' } })]).action).toBe('dispose');
  });
  it('property: with any set of holds, a record is disposed exactly when due and no open hold covers it', () => {
    const refs = ['CMP-77', 'CMP-1', 'NS-REC-1'];
    fc.assert(
      fc.property(fc.array(fc.record({ ref: fc.constantFrom(...refs), released: fc.boolean(), other: fc.boolean() }), { maxLength: 6 }), fc.boolean(), (specs, due) => {
        const holds = specs.map((s, i) => {
          const h = hold({ id: `hold_${i}`, scope: { kind: 'case', caseRef: s.ref }, controller: s.other ? 'derby' : 'newark-sherwood' });
          return s.released ? reviewHold(h, { decision: 'release', note: 'done now' }, 'dpo', NOW) : h;
        });
        const r = record({ dueAt: due ? '2024-02-10T10:00:00.000Z' : '2024-04-10T10:00:00.000Z' });
        const d = decideDisposal(r, NOW, holds);
        const covering = specs.filter((s) => !s.released && !s.other && r.caseRefs!.includes(s.ref)).length;
        if (!due) return d.action === 'wait';
        return covering ? d.action === 'hold' && d.holds.length === covering : d.action === 'dispose';
      }),
    );
  });
});

describe('reviews', () => {
  it('fall due after the interval and show as due soon, then overdue', () => {
    const h = hold({}, '2024-01-01T00:00:00.000Z');
    expect(h.nextReviewAt).toBe('2024-01-31T00:00:00.000Z');
    expect(reviewState(h, '2024-01-10T00:00:00.000Z')).toBe('ok');
    expect(reviewState(h, '2024-01-25T00:00:00.000Z')).toBe('due-soon');
    expect(reviewState(h, '2024-02-01T00:00:00.000Z')).toBe('overdue');
  });
  it('keeping moves the next review on from the review, and records who and why', () => {
    const h = reviewHold(hold({}, '2024-01-01T00:00:00.000Z'), { decision: 'keep', note: 'investigation continues' }, 'dpo@ns', '2024-02-03T00:00:00.000Z');
    expect(h).toMatchObject({ status: 'active', nextReviewAt: '2024-03-04T00:00:00.000Z', revision: 2 });
    expect(h.reviews).toEqual([{ at: '2024-02-03T00:00:00.000Z', by: 'dpo@ns', decision: 'keep', note: 'investigation continues' }]);
  });
  it('releasing closes the hold; a released hold cannot be reviewed again', () => {
    const h = reviewHold(hold(), { decision: 'release', note: 'complaint closed' }, 'dpo@ns', NOW);
    expect(h).toMatchObject({ status: 'released', releasedAt: NOW, releasedBy: 'dpo@ns' });
    expect(reviewState(h, NOW)).toBe('closed');
    expect(() => reviewHold(h, { decision: 'keep', note: 'again' }, 'dpo', NOW)).toThrow(HoldStateError);
  });
});

describe('explaining holds', () => {
  it('names the holds on a due record and their review state', () => {
    const e = explainRecord(record(), NOW, [hold()]);
    expect(e.due).toBe(true);
    expect(e.holds).toEqual([{ id: 'hold_a', reason: 'complaint-investigation', reference: null, nextReviewAt: '2024-02-19T09:00:00.000Z', review: 'overdue' }]);
    expect(e.because[0]).toMatch(/hold_a/);
  });
  it('says a record not yet due will still be kept at its due time', () => {
    const e = explainRecord(record({ dueAt: '2024-04-10T10:00:00.000Z' }), NOW, [hold()]);
    expect(e.because[1]).toMatch(/When it falls due it will still be kept while a hold is open: Held by hold_a/);
  });
  it('lists no hold for a disposed record', () => {
    expect(explainRecord(record({ status: 'disposed' }), NOW, [hold()]).holds).toEqual([]);
  });
});

describe('records keep their case references', () => {
  const policy = { packId: 'newark-sherwood', packVersion: '1.0.0', category: { retention: { duration: 'P40D', trigger: 'occurred', action: 'delete' }, lawfulBasis: { primary: '6(1)(e)' } } } as never;
  const ev = (offset: number, facts: Record<string, unknown>) => ({ eventId: `e${offset}`, offset, type: 'call.recorded', occurredAt: '2024-01-01T10:00:00Z', receivedAt: '2024-01-01T10:00:01Z', controller: 'newark-sherwood', category: 'call-recording' as const, subjectRef: 'subj_person0001', facts: { transition: 'open', ...facts } as never, locations: [] });
  it('its own key and the case a recording is linked to', () => {
    const d = applyEvent(undefined, ev(1, { recordKey: 'NS-REC-1', linkedCaseRef: 'CMP-77' }), policy);
    expect(d.record?.caseRefs).toEqual(['NS-REC-1', 'CMP-77']);
  });
  it('a held record takes a later event and is active again (the next sweep decides afresh)', () => {
    const held = { ...applyEvent(undefined, ev(1, { recordKey: 'NS-REC-1' }), policy).record!, status: 'held' as const, heldBy: ['hold_a'] };
    const d = applyEvent(held, ev(2, { recordKey: 'NS-REC-1', linkedCaseRef: 'CMP-9' }), policy);
    expect(d.kind).toBe('updated');
    expect(d.record).toMatchObject({ status: 'active', caseRefs: ['NS-REC-1', 'CMP-9'] });
  });
});
