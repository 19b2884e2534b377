import { RevisionConflictError } from '@custodian/core';
import { confirmIdentity, receiveRequest, type SubjectRequest } from '@custodian/workflows';
import { freshPorts, rejection, UNSTORABLE, type PortsFactory } from './ports-under-test';

const AT = '2026-03-10T10:00:00.000Z';
const req = (id: string, over: { controller?: string; subjectRef?: string; receivedAt?: string; verified?: boolean } = {}): SubjectRequest =>
  receiveRequest({ id, controller: over.controller ?? 'council-a', subjectRef: over.subjectRef ?? 'subj-1', kind: 'erasure', receivedAt: over.receivedAt ?? AT, identityVerified: over.verified ?? false }, 'dpo');

export function requestStoreConformance(adapter: string, open: PortsFactory) {
  describe(`RequestStore conformance: ${adapter}`, () => {
    const ports = freshPorts(open);

    test('save then get returns exactly the request; a change replaces it only from the revision read', async () => {
      const { requests, audit } = ports();
      const r = req('req_a');
      await requests.save(r, [{ actor: 'dpo', action: 'request.received', target: { kind: 'subject', id: 'subj-1' }, reason: 'erasure request' }], AT);
      expect(await requests.get('req_a')).toStrictEqual(r);
      expect(await requests.get('req_missing')).toBeUndefined();
      const confirmed = confirmIdentity(r, 'dpo', '2026-03-12T10:00:00.000Z');
      await requests.save(confirmed, [], AT);
      expect(await requests.get('req_a')).toStrictEqual(confirmed);
      expect(await rejection(requests.save(confirmIdentity(r, 'other', '2026-03-13T10:00:00.000Z'), [], AT))).toBeInstanceOf(RevisionConflictError);
      expect(await rejection(requests.save(req('req_a'), [], AT))).toBeInstanceOf(RevisionConflictError);
      expect(await requests.get('req_a')).toStrictEqual(confirmed);
      expect((await audit.list({ limit: 5 })).map((e) => e.action)).toEqual(['request.received']);
    });

    test('save is one unit with its audit entries', async () => {
      const { requests } = ports();
      await expect(requests.save(req('req_a'), [UNSTORABLE], AT)).rejects.toThrow();
      expect(await requests.get('req_a')).toBeUndefined();
    });

    test('list filters by status, council and subject, newest received first', async () => {
      const { requests } = ports();
      await requests.save(req('req_a', { receivedAt: '2026-03-01T10:00:00.000Z' }), [], AT);
      await requests.save(req('req_b', { controller: 'council-b', receivedAt: '2026-03-02T10:00:00.000Z', verified: true }), [], AT);
      await requests.save(req('req_c', { subjectRef: 'subj-2', receivedAt: '2026-03-03T10:00:00.000Z' }), [], AT);
      expect((await requests.list({ limit: 10 })).map((r) => r.id)).toEqual(['req_c', 'req_b', 'req_a']);
      expect((await requests.list({ status: 'awaiting-identity', limit: 10 })).map((r) => r.id)).toEqual(['req_c', 'req_a']);
      expect((await requests.list({ controller: 'council-b', limit: 10 })).map((r) => r.id)).toEqual(['req_b']);
      expect((await requests.list({ subjectRef: 'subj-1', limit: 10 })).map((r) => r.id)).toEqual(['req_b', 'req_a']);
      expect((await requests.list({ limit: 1 })).map((r) => r.id)).toEqual(['req_c']);
    });
  });
}
