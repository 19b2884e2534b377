import { decideErasure } from './erasure';
import type { RecordState } from './record';
import { enquiryState } from './test-support/records';
import { confirmIdentity, erasureCertificate, erasureCompleted, erasureDecided, erasureProgress, readRequest, receiveRequest, requestCompleted, RequestStateError } from './subject-request';

const rec = (id: string, over: Partial<RecordState> = {}): RecordState => enquiryState({ id, caseRefs: undefined, clockStartedAt: null, dueReason: '', ...over });

const received = (identityVerified: boolean) =>
  receiveRequest({ id: 'req_1', controller: 'north-kesteven', subjectRef: 'subj_person0001', kind: 'erasure', receivedAt: '2026-03-10T10:00:00Z', identityVerified }, 'dpo');

describe('subject requests', () => {
  it('wait for identity with the clock paused from the day of receipt, then run', () => {
    const r = received(false);
    expect(r.status).toBe('awaiting-identity');
    expect(readRequest(r, '2026-03-20T10:00:00Z').clock).toMatchObject({ state: 'paused', pausedDays: 10 });
    const ok = confirmIdentity(r, 'dpo', '2026-03-13T10:00:00Z');
    // 10 April + 3 days = 13 April
    expect(readRequest(ok, '2026-03-13T10:00:00Z').clock).toMatchObject({ state: 'running', dueOn: '2026-04-13' });
    expect(ok.history.map((h) => h.action)).toEqual(['received', 'identity-confirmed']);
  });

  it('an erasure cannot be decided before identity is confirmed', () => {
    expect(() => erasureDecided(received(false), [], 'dpo', '2026-03-11T10:00:00Z')).toThrow(/confirm the identity first/);
  });

  it('a partly granted erasure runs until every granted record is disposed, then completes with a certificate', () => {
    const NOW = '2026-03-11T10:00:00.000Z';
    const enquiry = rec('rec_a');
    const complaint = rec('rec_b', { category: 'complaint', lawfulBasis: '6(1)(e)', retention: { duration: 'P7Y', trigger: 'closed', action: 'delete' }, dueAt: null });
    const r = erasureDecided(received(true), [decideErasure(enquiry, NOW, []), decideErasure(complaint, NOW, [])], 'dpo', NOW);
    expect(r).toMatchObject({ status: 'in-progress', outcome: 'Erasure partly granted: 1 record(s) to erase; 1 refused (Art 17(3)(b)).' });
    expect(erasureProgress(r, new Map([['rec_a', enquiry]]))).toEqual({ waiting: ['rec_a'], done: [] });
    const disposed = { ...enquiry, status: 'disposed' as const, disposal: { startedAt: NOW, completedAt: NOW, receipts: [{ store: 'crm', outcome: 'deleted' as const, at: NOW, detail: 'HTTP 204' }] } };
    const all = new Map([['rec_a', disposed], ['rec_b', complaint]]);
    expect(erasureProgress(r, all)).toEqual({ waiting: [], done: ['rec_a'] });
    const cert = erasureCertificate(r, all, [], null, NOW);
    expect(cert.stores).toEqual([{ store: 'crm', outcome: 'deleted', at: NOW, detail: 'HTTP 204', recordId: 'rec_a' }]);
    expect(cert.summary).toMatch(/1 deletion\(s\) confirmed at 1 store\(s\); the data key is kept for the records refused/);
    expect(cert.records.map((x) => [x.recordId, x.decision])).toEqual([['rec_a', 'erase'], ['rec_b', 'refuse']]);
    const done = erasureCompleted(r, cert, 'custodian', NOW);
    expect(readRequest(done, NOW).timeliness).toBe('on-time');
    expect(() => requestCompleted(done, 'again', 'dpo', NOW)).toThrow(RequestStateError);
  });

  it('a wholly refused erasure completes at once', () => {
    const NOW = '2026-03-11T10:00:00.000Z';
    const complaint = rec('rec_b', { category: 'complaint', lawfulBasis: '6(1)(e)', retention: { duration: 'P7Y', trigger: 'closed', action: 'delete' }, dueAt: null });
    expect(erasureDecided(received(true), [decideErasure(complaint, NOW, [])], 'dpo', NOW)).toMatchObject({ status: 'completed', completedAt: NOW, outcome: expect.stringMatching(/^Erasure refused/) });
  });

  it('completed after the deadline reads as late', () => {
    const late = requestCompleted(received(true), 'done', 'dpo', '2026-04-14T10:00:00Z');
    expect(readRequest(late, '2026-04-20T10:00:00Z').timeliness).toBe('late');
  });
});
