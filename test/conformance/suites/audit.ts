import { GENESIS, entryHash, type AuditInput } from '@custodian/core';
import { freshPorts, type PortsFactory } from './ports-under-test';

const input = (n: number, over: Partial<AuditInput> = {}): AuditInput => ({ actor: 'operator:ops-1', action: `test.action-${n}`, target: { kind: 'record', id: `rec-${n % 3}` }, reason: `reason ${n}`, ...over });

export function auditLogConformance(adapter: string, open: PortsFactory, opts: { canTamper: boolean } = { canTamper: true }) {
  describe(`AuditLog conformance: ${adapter}`, () => {
    const ports = freshPorts(open);

    test('an empty log has no head and verifies', async () => {
      const { audit } = ports();
      expect(await audit.head()).toBeNull();
      expect(await audit.verify()).toEqual({ ok: true, entries: 0, headHash: null });
      expect(await audit.append([], '2026-01-01T00:00:00.000Z')).toEqual([]);
      expect(await audit.head()).toBeNull();
    });

    test('append chains entries: contiguous seq, time, previous-hash links, the chain module\'s hashes', async () => {
      const { audit } = ports();
      const a = await audit.append([input(1), input(2)], '2026-01-01T00:00:00.000Z');
      const b = await audit.append([input(3, { policyVersion: 'council-a@2.0.0', target: { kind: 'system', id: 'sweeper' } })], '2026-01-02T00:00:00.000Z');
      const all = [...a, ...b];
      expect(all.map((e) => [e.seq, e.at, e.action])).toEqual([
        [1, '2026-01-01T00:00:00.000Z', 'test.action-1'],
        [2, '2026-01-01T00:00:00.000Z', 'test.action-2'],
        [3, '2026-01-02T00:00:00.000Z', 'test.action-3'],
      ]);
      expect(all[0]!.prevHash).toBe(GENESIS);
      for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
      for (const e of all) expect(e.hash).toBe(entryHash(e));
      expect(await audit.head()).toEqual({ seq: 3, hash: all[2]!.hash });
      expect(await audit.list({ limit: 10 })).toEqual(all);
      expect(await audit.verify()).toEqual({ ok: true, entries: 3, headHash: all[2]!.hash });
    });

    test('entries keep their free-form details exactly (undefined members dropped) and still verify', async () => {
      const { audit } = ports();
      const details = { nested: { list: [1, 2.5, 'three', null, { deep: true }], empty: {}, none: null, dropped: undefined }, big: 2 ** 40, neg: -7, text: 'Ærø — “quoted” ✓', 'a.b': 1, $weird: 'x', receipts: [{ store: 'crm', reference: undefined }] };
      const [e] = await audit.append([input(1, { details, policyVersion: 'council-a@1.0.0' })], '2026-01-01T00:00:00.000Z');
      const [listed] = await audit.list({ limit: 1 });
      expect(listed).toStrictEqual(JSON.parse(JSON.stringify(e)));
      expect(listed!.details).toStrictEqual(JSON.parse(JSON.stringify(details)));
      expect(listed!.hash).toBe(entryHash(listed!));
      expect((await audit.verify()).ok).toBe(true);
    });

    test('entries without a target or policy version read back without them', async () => {
      const { audit } = ports();
      await audit.append([{ actor: 'system', action: 'clock.advanced', reason: 'operator advanced the clock' }], '2026-01-01T00:00:00.000Z');
      const [e] = await audit.list({ limit: 1 });
      expect(Object.keys(e!).sort()).toEqual(['action', 'actor', 'at', 'hash', 'prevHash', 'reason', 'seq']);
      expect((await audit.verify()).ok).toBe(true);
    });

    test('list pages by seq and filters by target', async () => {
      const { audit } = ports();
      await audit.append(Array.from({ length: 7 }, (_, i) => input(i + 1)), '2026-01-01T00:00:00.000Z');
      expect((await audit.list({ limit: 3 })).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect((await audit.list({ afterSeq: 3, limit: 3 })).map((e) => e.seq)).toEqual([4, 5, 6]);
      expect((await audit.list({ afterSeq: 6, limit: 3 })).map((e) => e.seq)).toEqual([7]);
      expect((await audit.list({ targetId: 'rec-1', limit: 10 })).map((e) => e.seq)).toEqual([1, 4, 7]);
      expect((await audit.list({ targetId: 'rec-1', afterSeq: 1, limit: 1 })).map((e) => e.seq)).toEqual([4]);
      expect(await audit.list({ targetId: 'rec-none', limit: 10 })).toEqual([]);
    });

    test('concurrent appends never fork the chain', async () => {
      const { audit } = ports();
      await Promise.all(Array.from({ length: 6 }, (_, i) => audit.append([input(i * 2 + 1), input(i * 2 + 2)], '2026-01-01T00:00:00.000Z')));
      const all = await audit.list({ limit: 100 });
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(await audit.verify()).toEqual({ ok: true, entries: 12, headHash: all[11]!.hash });
    });

    test('a failed append leaves the log as it was', async () => {
      const { audit } = ports();
      await audit.append([input(1)], '2026-01-01T00:00:00.000Z');
      const head = await audit.head();
      await expect(audit.append([input(2), { ...input(3), details: { n: BigInt(3) } }], '2026-01-01T00:00:00.000Z')).rejects.toThrow();
      expect(await audit.head()).toEqual(head);
      expect((await audit.list({ limit: 10 })).map((e) => e.seq)).toEqual([1]);
      expect((await audit.verify()).ok).toBe(true);
    });

    // an adapter that cannot be reached around says so once instead of leaving skipped tests behind
    if (!opts.canTamper) {
      console.log(`[conformance] AuditLog ${adapter}: tamper checks not run (the adapter offers no tamper hook)`);
      return;
    }
    const tamper = () => {
      const t = ports().tamper;
      if (!t) throw new Error(`${adapter} was declared tamperable but its factory gave no tamper hook`);
      return t;
    };

    describe('tamper evidence', () => {
      test('verify finds an altered entry', async () => {
        const { audit } = ports();
        await audit.append([input(1), input(2), input(3)], '2026-01-01T00:00:00.000Z');
        expect((await audit.verify()).ok).toBe(true);
        await tamper().alter(2, { reason: 'nothing to see here' });
        const v = await audit.verify();
        expect(v.ok).toBe(false);
        expect(v.firstBad).toEqual({ seq: 2, problem: expect.stringMatching(/altered/) });
      });

      test('verify finds a removed newest entry through the recorded head', async () => {
        const { audit } = ports();
        await audit.append([input(1), input(2), input(3)], '2026-01-01T00:00:00.000Z');
        await tamper().removeLast();
        const v = await audit.verify();
        expect(v.ok).toBe(false);
        expect(v.entries).toBe(2);
        expect(v.firstBad?.problem).toMatch(/removed/);
      });
    });
  });
}
