import { SubjectCache } from './subject-cache';
import { MemorySubjectIndex } from './test-support/memory-ports';
import type { SubjectIndex } from './ports';

const now = '2026-03-01T00:00:00.000Z';

function counting(inner: SubjectIndex) {
  const seen: number[] = [];
  const index: SubjectIndex = {
    resolve: (reqs, at) => (seen.push(reqs.length), inner.resolve(reqs, at)),
    find: (c, h) => inner.find(c, h),
    forget: (r) => inner.forget(r),
  };
  return { seen, index };
}

describe('SubjectCache', () => {
  it('answers a returning person without the store, with the same subject the store gave', async () => {
    const store = new MemorySubjectIndex();
    const { seen, index } = counting(store);
    const cache = new SubjectCache(index);
    const [first] = await cache.resolve([{ controller: 'derby', hashes: ['a', 'b'], newRef: 's1' }], now);
    expect(first).toEqual({ ref: 's1', created: true, conflicts: [] });
    const again = await cache.resolve([{ controller: 'derby', hashes: ['b'], newRef: 's2' }, { controller: 'derby', hashes: ['a', 'b'], newRef: 's3' }], now);
    expect(again).toEqual([{ ref: 's1', created: false, conflicts: [] }, { ref: 's1', created: false, conflicts: [] }]);
    expect(seen).toEqual([1]);
  });

  it('goes to the store for a new identifier, another controller, no identifiers, or hashes of two subjects', async () => {
    const store = new MemorySubjectIndex();
    const { seen, index } = counting(store);
    const cache = new SubjectCache(index);
    await cache.resolve([{ controller: 'derby', hashes: ['a'], newRef: 's1' }, { controller: 'derby', hashes: ['b'], newRef: 's2' }], now);
    const res = await cache.resolve(
      [
        { controller: 'derby', hashes: ['a', 'c'], newRef: 'x1' },
        { controller: 'durham', hashes: ['a'], newRef: 'x2' },
        { controller: 'derby', hashes: [], newRef: 'x3' },
        { controller: 'derby', hashes: ['a', 'b'], newRef: 'x4' },
      ],
      now,
    );
    expect(seen).toEqual([2, 4]);
    expect(res.map((r) => r.ref)).toEqual(['s1', 'x2', 'x3', 's1']);
    expect(res[3]!.conflicts).toEqual(['s2']);
    // 'b' stays with s2 after the conflict: the cache must not have learnt b -> s1
    const [b] = await cache.resolve([{ controller: 'derby', hashes: ['b'], newRef: 'y' }], now);
    expect(b!.ref).toBe('s2');
  });

  it('forgets an erased subject, and stays within its capacity', async () => {
    const store = new MemorySubjectIndex();
    const { seen, index } = counting(store);
    const cache = new SubjectCache(index, 2);
    await cache.resolve([{ controller: 'c', hashes: ['a'], newRef: 's1' }], now);
    expect(await cache.forget('s1')).toEqual([{ controller: 'c', hash: 'a' }]);
    // the store forgot too: the same identifier is a new subject now
    const [again] = await cache.resolve([{ controller: 'c', hashes: ['a'], newRef: 'z' }], now);
    expect(again).toEqual({ ref: 'z', created: true, conflicts: [] });
    expect(seen).toEqual([1, 1]);
    await cache.resolve([{ controller: 'c', hashes: ['b'], newRef: 's2' }, { controller: 'c', hashes: ['d'], newRef: 's3' }], now);
    expect(cache['owner'].size).toBe(2);
  });
});
