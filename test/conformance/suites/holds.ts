import { RevisionConflictError } from '@custodian/core';
import { newHold, reviewHold, type Hold } from '@custodian/workflows';
import { disposed, freshPorts, record, rejection, UNSTORABLE, type PortsFactory } from './ports-under-test';

const AT = '2026-03-01T09:00:00.000Z';
const hold = (id: string, over: Partial<Parameters<typeof newHold>[0]> = {}, at = AT): Hold =>
  newHold({ id, controller: 'council-a', scope: { kind: 'case', caseRef: 'CMP-1' }, reason: 'complaint-investigation', reviewEvery: 'P30D', ...over }, 'dpo', at);

export function holdStoreConformance(adapter: string, open: PortsFactory) {
  describe(`HoldStore conformance: ${adapter}`, () => {
    const ports = freshPorts(open);

    test('save then get returns exactly the hold, with its audit entry in the same unit', async () => {
      const { holds, audit } = ports();
      const h = hold('hold_a', { scope: { kind: 'category', category: 'call-recording', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, reference: 'LC-9' });
      await holds.save(h, [{ actor: 'dpo', action: 'hold.placed', target: { kind: 'hold', id: h.id }, reason: 'placed' }], AT);
      expect(await holds.get('hold_a')).toStrictEqual(h);
      expect(await holds.get('hold_missing')).toBeUndefined();
      expect((await audit.list({ limit: 5, targetId: 'hold_a' })).map((e) => e.action)).toEqual(['hold.placed']);
    });

    test('a new hold whose id exists, or a change from a stale revision, conflicts and changes nothing', async () => {
      const { holds, audit } = ports();
      const h = hold('hold_a');
      await holds.save(h, [], AT);
      expect(await rejection(holds.save(hold('hold_a', { reason: 'legal-claim' }), [], AT))).toBeInstanceOf(RevisionConflictError);
      const kept = reviewHold(h, { decision: 'keep', note: 'still needed' }, 'dpo', '2026-03-20T09:00:00.000Z');
      await holds.save(kept, [{ actor: 'dpo', action: 'hold.reviewed', target: { kind: 'hold', id: h.id }, reason: 'kept' }], AT);
      // a second reviewer who read revision 1 loses, and their audit entry is not written either
      const stale = reviewHold(h, { decision: 'release', note: 'done' }, 'other-dpo', '2026-03-21T09:00:00.000Z');
      expect(await rejection(holds.save(stale, [{ actor: 'other-dpo', action: 'hold.released', target: { kind: 'hold', id: h.id }, reason: 'released' }], AT))).toBeInstanceOf(RevisionConflictError);
      expect(await holds.get('hold_a')).toStrictEqual(kept);
      expect((await audit.list({ limit: 10 })).map((e) => e.action)).toEqual(['hold.reviewed']);
    });

    test('save is one unit: when the audit entry cannot be stored, the hold is not saved', async () => {
      const { holds } = ports();
      await expect(holds.save(hold('hold_a'), [UNSTORABLE], AT)).rejects.toThrow();
      expect(await holds.get('hold_a')).toBeUndefined();
    });

    test('list filters by status and council, newest placed first, up to the limit', async () => {
      const { holds } = ports();
      const a = hold('hold_a', {}, '2026-03-01T09:00:00.000Z');
      const b = hold('hold_b', { controller: 'council-b' }, '2026-03-02T09:00:00.000Z');
      const c = hold('hold_c', {}, '2026-03-03T09:00:00.000Z');
      for (const h of [a, b, c]) await holds.save(h, [], AT);
      await holds.save(reviewHold(a, { decision: 'release', note: 'done with' }, 'dpo', AT), [], AT);
      expect((await holds.list({ limit: 10 })).map((h) => h.id)).toEqual(['hold_c', 'hold_b', 'hold_a']);
      expect((await holds.list({ status: 'active', limit: 10 })).map((h) => h.id)).toEqual(['hold_c', 'hold_b']);
      expect((await holds.list({ status: 'released', limit: 10 })).map((h) => h.id)).toEqual(['hold_a']);
      expect((await holds.list({ controller: 'council-a', limit: 10 })).map((h) => h.id)).toEqual(['hold_c', 'hold_a']);
      expect((await holds.list({ limit: 1 })).map((h) => h.id)).toEqual(['hold_c']);
    });
  });

  describe(`Registry held records conformance: ${adapter}`, () => {
    const ports = freshPorts(open);

    test('setHeld holds active records, lists them by id, and lifts them; nothing else of the record changes', async () => {
      const { registry, audit } = ports();
      const a = record('rec-a');
      const b = record('rec-b', { dueAt: '2026-01-01T09:00:00.000Z' });
      await registry.save([a, b, record('rec-c')], [], AT);
      const changed = await registry.setHeld(
        [
          { id: 'rec-b', heldBy: ['hold_1', 'hold_2'] },
          { id: 'rec-a', heldBy: ['hold_1'] },
        ],
        [{ actor: 'sweep', action: 'disposal.held', target: { kind: 'record', id: 'rec-a' }, reason: 'held' }],
        AT,
      );
      expect(changed.sort()).toEqual(['rec-a', 'rec-b']);
      expect((await registry.get(['rec-a'])).get('rec-a')).toStrictEqual({ ...a, status: 'held', heldBy: ['hold_1'] });
      expect((await registry.held(10)).map((r) => r.id)).toEqual(['rec-a', 'rec-b']);
      expect((await registry.held(1, 'rec-a')).map((r) => r.id)).toEqual(['rec-b']);
      // held records are not due and set no timer
      expect((await registry.due('2030-01-01T00:00:00.000Z', 10)).map((r) => r.id)).toEqual(['rec-c']);
      expect(await registry.nextDueAt()).toBe(record('rec-c').dueAt);
      // a changed set of holds, then lifted
      expect(await registry.setHeld([{ id: 'rec-b', heldBy: ['hold_2'] }], [], AT)).toEqual(['rec-b']);
      expect((await registry.get(['rec-b'])).get('rec-b')!.heldBy).toEqual(['hold_2']);
      expect(await registry.setHeld([{ id: 'rec-b', heldBy: [] }], [], AT)).toEqual(['rec-b']);
      expect((await registry.get(['rec-b'])).get('rec-b')).toStrictEqual({ ...b, status: 'active', heldBy: [] });
      expect(await registry.nextDueAt()).toBe('2026-01-01T09:00:00.000Z');
      expect((await audit.list({ limit: 5 })).map((e) => e.action)).toEqual(['disposal.held']);
    });

    test('setHeld leaves records another writer moved on (disposing, disposed) or that do not exist', async () => {
      const { registry } = ports();
      const d = record('rec-d', { status: 'disposing', disposal: { startedAt: AT, completedAt: null, receipts: [] } });
      await registry.save([d, record('rec-a')], [], AT);
      expect(await registry.setHeld([{ id: 'rec-d', heldBy: ['hold_1'] }, { id: 'rec-missing', heldBy: ['hold_1'] }, { id: 'rec-a', heldBy: [] }], [], AT)).toEqual([]);
      expect((await registry.get(['rec-d'])).get('rec-d')).toStrictEqual(d);
      expect((await registry.get(['rec-a'])).get('rec-a')!.status).toBe('active');
    });

    test('countCovered counts the records a scope would cover now, never disposed ones, within one council', async () => {
      const { registry } = ports();
      const life = record('x').lifecycle;
      await registry.save(
        [
          record('rec-a', { caseRefs: ['CMP-1', 'REC-9'], category: 'call-recording', lifecycle: { ...life, firstAt: '2026-01-10T09:00:00.000Z' } }),
          record('rec-b', { caseRefs: ['CMP-2'], category: 'call-recording', lifecycle: { ...life, firstAt: '2026-02-10T09:00:00.000Z' } }),
          record('rec-c', { caseRefs: ['CMP-1'], subjectRef: 'subj-2' }),
          disposed(record('rec-d', { caseRefs: ['CMP-1'] }), '2026-02-02T09:00:00.000Z'),
          record('rec-e', { controller: 'council-b', caseRefs: ['CMP-1'] }),
        ],
        [],
        AT,
      );
      expect(await registry.countCovered('council-a', { kind: 'case', caseRef: 'CMP-1' })).toBe(2);
      expect(await registry.countCovered('council-a', { kind: 'subject', subjectRef: 'subj-1' })).toBe(2);
      expect(await registry.countCovered('council-a', { kind: 'record', recordId: 'rec-d' })).toBe(0);
      expect(await registry.countCovered('council-a', { kind: 'record', recordId: 'rec-b' })).toBe(1);
      expect(await registry.countCovered('council-a', { kind: 'category', category: 'call-recording', from: '2026-01-01T00:00:00Z', to: '2026-02-10T09:00:00Z' })).toBe(1);
      expect(await registry.countCovered('council-a', { kind: 'category', category: 'call-recording', from: '2026-01-01T00:00:00+00:00', to: '2026-03-01T00:00:00Z' })).toBe(2);
      expect(await registry.countCovered('council-b', { kind: 'case', caseRef: 'CMP-1' })).toBe(1);
    });

    test('setHeld is one unit with its audit entries', async () => {
      const { registry } = ports();
      await registry.save([record('rec-a')], [], AT);
      await expect(registry.setHeld([{ id: 'rec-a', heldBy: ['hold_1'] }], [UNSTORABLE], AT)).rejects.toThrow();
      expect((await registry.get(['rec-a'])).get('rec-a')!.status).toBe('active');
    });
  });
}
