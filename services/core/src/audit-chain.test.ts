import fc from 'fast-check';
import { ChainVerifier, GENESIS, canonical, chain, entryHash } from './audit-chain';
import type { AuditEntry, AuditInput } from './ports';
import { MemoryAuditLog } from './test-support/memory-ports';

const inputs = (n: number): AuditInput[] =>
  Array.from({ length: n }, (_, i) => ({
    actor: i % 2 ? 'retention-sweep' : 'lifecycle',
    action: i % 2 ? 'record.disposed' : 'record.registered',
    target: { kind: 'record' as const, id: `rec_${i}` },
    reason: `reason ${i}`,
    policyVersion: 'derby@1.0.0',
    details: { i, stores: ['crm', 'custodian-event-log'], nested: { b: 2, a: 1 } },
  }));

function verify(entries: AuditEntry[], head: { seq: number; hash: string } | null) {
  const v = new ChainVerifier();
  for (const e of entries) if (!v.push(e)) break;
  return v.result(head);
}

const headOf = (es: AuditEntry[]) => ({ seq: es[es.length - 1]!.seq, hash: es[es.length - 1]!.hash });

describe('canonical', () => {
  it('is independent of key order, at every depth', () => {
    expect(canonical({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(canonical({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }));
    expect(canonical({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('drops undefined properties (as a JSON round trip does)', () => {
    expect(canonical({ a: 1, b: undefined })).toBe(canonical({ a: 1 }));
    expect(canonical(undefined)).toBe('null');
  });

  it('keeps array order and distinguishes types', () => {
    expect(canonical([1, 2])).not.toBe(canonical([2, 1]));
    expect(canonical({ a: '1' })).not.toBe(canonical({ a: 1 }));
  });

  it('equals canonical of its own JSON round trip, for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonical(JSON.parse(JSON.stringify(v)))).toBe(canonical(v));
        expect(JSON.parse(canonical(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});

describe('chain', () => {
  it('numbers entries from the previous head and links each to the one before', () => {
    const a = chain(null, inputs(3), '2024-01-01T00:00:00.000Z');
    expect(a.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(a[0]!.prevHash).toBe(GENESIS);
    expect(a[1]!.prevHash).toBe(a[0]!.hash);
    expect(a[2]!.prevHash).toBe(a[1]!.hash);
    for (const e of a) expect(entryHash(e)).toBe(e.hash);
    const b = chain(headOf(a), inputs(2), '2024-01-02T00:00:00.000Z');
    expect(b.map((e) => e.seq)).toEqual([4, 5]);
    expect(b[0]!.prevHash).toBe(a[2]!.hash);
    expect(b[0]!.at).toBe('2024-01-02T00:00:00.000Z');
  });

  it('a hash does not depend on the property order of details after a round trip', () => {
    const [e] = chain(null, [{ actor: 'a', action: 'x', reason: 'r', details: { b: 1, a: 2 } }], '2024-01-01T00:00:00.000Z');
    const reordered = { ...e!, details: { a: 2, b: 1 } };
    expect(entryHash(reordered)).toBe(e!.hash);
    expect(entryHash(JSON.parse(JSON.stringify(e)))).toBe(e!.hash);
  });
});

describe('ChainVerifier', () => {
  const at = '2024-01-01T00:00:00.000Z';

  it('verifies an intact chain', () => {
    const es = chain(null, inputs(6), at);
    expect(verify(es, headOf(es))).toEqual({ ok: true, entries: 6, headHash: es[5]!.hash });
  });

  it('an empty chain with no head is ok', () => {
    expect(verify([], null)).toEqual({ ok: true, entries: 0, headHash: null });
  });

  it.each([
    ['reason', (e: AuditEntry) => ({ ...e, reason: 'something else' })],
    ['actor', (e: AuditEntry) => ({ ...e, actor: 'mallory' })],
    ['details', (e: AuditEntry) => ({ ...e, details: { ...e.details, i: 99 } })],
    ['target', (e: AuditEntry) => ({ ...e, target: { kind: 'record' as const, id: 'rec_other' } })],
    ['policyVersion', (e: AuditEntry) => ({ ...e, policyVersion: 'derby@9.9.9' })],
    ['at', (e: AuditEntry) => ({ ...e, at: '2023-01-01T00:00:00.000Z' })],
  ])('an altered %s is detected at the right seq', (_f, alter) => {
    const es = chain(null, inputs(6), at);
    es[3] = alter(es[3]!);
    const r = verify(es, headOf(es));
    expect(r.ok).toBe(false);
    expect(r.firstBad).toEqual({ seq: 4, problem: expect.stringMatching(/altered/) });
  });

  it('an entry altered and re-hashed breaks the link of the next one', () => {
    const es = chain(null, inputs(6), at);
    const forged = { ...es[2]!, reason: 'forged' };
    es[2] = { ...forged, hash: entryHash(forged) };
    const r = verify(es, headOf(es));
    expect(r.firstBad).toEqual({ seq: 4, problem: expect.stringMatching(/previous-hash/) });
  });

  it('a chain rewritten from an altered entry onwards is caught by the stored head', () => {
    const es = chain(null, inputs(6), at);
    const head = headOf(es);
    const altered = inputs(6);
    altered[2] = { ...altered[2]!, reason: 'rewritten' };
    const rewritten = chain(null, altered, at);
    const r = verify(rewritten, head);
    expect(r.ok).toBe(false);
    expect(r.firstBad!.seq).toBe(6);
  });

  it('a removed middle entry is detected', () => {
    const es = chain(null, inputs(6), at);
    const r = verify([...es.slice(0, 2), ...es.slice(3)], headOf(es));
    expect(r.ok).toBe(false);
    expect(r.firstBad).toEqual({ seq: 4, problem: 'entry 3 is missing (found 4 next)' });
  });

  it('a removed first entry is detected', () => {
    const es = chain(null, inputs(3), at);
    expect(verify(es.slice(1), headOf(es)).firstBad).toEqual({ seq: 2, problem: 'entry 1 is missing (found 2 next)' });
  });

  it('swapped entries are detected', () => {
    const es = chain(null, inputs(4), at);
    const swapped = [es[0]!, es[2]!, es[1]!, es[3]!];
    expect(verify(swapped, headOf(es)).firstBad!.seq).toBe(3);
  });

  it('a removed tail is detected via the head', () => {
    const es = chain(null, inputs(6), at);
    const r = verify(es.slice(0, 4), headOf(es));
    expect(r.ok).toBe(false);
    expect(r.firstBad).toEqual({ seq: 6, problem: expect.stringMatching(/ends at 4 but the recorded head is 6/) });
    // and an entirely emptied log with a head
    expect(verify([], headOf(es)).ok).toBe(false);
  });

  it('without a head, a removed tail cannot be seen (why the head is stored)', () => {
    const es = chain(null, inputs(6), at);
    expect(verify(es.slice(0, 4), null).ok).toBe(true);
  });

  it('stops at the first bad entry', () => {
    const es = chain(null, inputs(6), at);
    es[1] = { ...es[1]!, reason: 'x' };
    es[4] = { ...es[4]!, reason: 'y' };
    const v = new ChainVerifier();
    const pushed = es.map((e) => v.push(e));
    expect(pushed).toEqual([true, false, false, false, false, false]);
    expect(v.result(headOf(es)).firstBad!.seq).toBe(2);
  });

  it('any single altered entry of a random chain is found at its seq (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.string({ minLength: 1 }))), ([n, k, junk]) => {
        const es = chain(null, inputs(n), at);
        es[k] = { ...es[k]!, reason: es[k]!.reason + junk };
        const r = verify(es, headOf(es));
        expect(r.ok).toBe(false);
        expect(r.firstBad!.seq).toBe(k + 1);
      }),
    );
  });
});

describe('MemoryAuditLog (reference AuditLog over the chain)', () => {
  it('appends in batches, verifies, and detects tampering with its stored entries', async () => {
    const log = new MemoryAuditLog();
    await log.append(inputs(3), '2024-01-01T00:00:00.000Z');
    await log.append(inputs(2), '2024-01-02T00:00:00.000Z');
    expect(await log.append([], '2024-01-03T00:00:00.000Z')).toEqual([]);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 5 });
    expect((await log.head())!.seq).toBe(5);
    expect((await log.list({ afterSeq: 3, limit: 10 })).map((e) => e.seq)).toEqual([4, 5]);
    expect((await log.list({ limit: 10, targetId: 'rec_1' })).map((e) => e.seq)).toEqual([2, 5]);
    log.entries[1]!.reason = 'tampered';
    expect((await log.verify()).firstBad!.seq).toBe(2);
  });
});
