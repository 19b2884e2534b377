import { DUPLICATE, deadLetter, freshPorts, rejection, type PortsFactory } from './ports-under-test';

/** ids that sort differently from the order they arrive in, so insertion order is what is tested */
const ARRIVALS = ['dl-m', 'dl-c', 'dl-x', 'dl-a', 'dl-q', 'dl-f'];

export function deadLetterConformance(adapter: string, open: PortsFactory) {
  describe(`DeadLetterStore conformance: ${adapter}`, () => {
    const ports = freshPorts(open);
    const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id);

    test('add then get returns the entry exactly; an unknown id is undefined', async () => {
      const { deadLetters } = ports();
      const full = deadLetter('dl-1');
      const sparse = deadLetter('dl-2', { eventId: null, type: null, controller: null, reasons: [], cardData: [] });
      await deadLetters.add([full, sparse]);
      expect(await deadLetters.get('dl-1')).toStrictEqual(full);
      expect(await deadLetters.get('dl-2')).toStrictEqual(sparse);
      expect(await deadLetters.get('dl-none')).toBeUndefined();
      (await deadLetters.get('dl-1'))!.reasons.push({ path: 'x', message: 'y' });
      expect(await deadLetters.get('dl-1')).toStrictEqual(full);
    });

    test('adding an id that exists fails', async () => {
      const { deadLetters } = ports();
      await deadLetters.add([deadLetter('dl-1')]);
      expect(String(await rejection(deadLetters.add([deadLetter('dl-1', { attempts: 3 })])))).toMatch(DUPLICATE);
      expect(await deadLetters.get('dl-1')).toStrictEqual(deadLetter('dl-1'));
    });

    test('add is one unit: a batch with an existing id adds nothing', async () => {
      const { deadLetters } = ports();
      await deadLetters.add([deadLetter('dl-1')]);
      expect(String(await rejection(deadLetters.add([deadLetter('dl-2'), deadLetter('dl-1')])))).toMatch(DUPLICATE);
      expect(await deadLetters.get('dl-2')).toBeUndefined();
      expect(await deadLetters.count('open')).toBe(1);
    });

    test('list pages oldest first by arrival, with afterId', async () => {
      const { deadLetters } = ports();
      for (const id of ARRIVALS.slice(0, 3)) await deadLetters.add([deadLetter(id)]);
      await deadLetters.add(ARRIVALS.slice(3).map((id) => deadLetter(id)));
      expect(ids(await deadLetters.list({ limit: 100 }))).toEqual(ARRIVALS);
      const pages: string[][] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await deadLetters.list({ limit: 4, ...(afterId ? { afterId } : {}) });
        if (!page.length) break;
        pages.push(ids(page));
        afterId = page[page.length - 1]!.id;
      }
      expect(pages).toEqual([ARRIVALS.slice(0, 4), ARRIVALS.slice(4)]);
      expect(await deadLetters.list({ limit: 0 })).toEqual([]);
    });

    test('list pages newest first with afterId', async () => {
      const { deadLetters } = ports();
      await deadLetters.add(ARRIVALS.map((id) => deadLetter(id)));
      const newest = [...ARRIVALS].reverse();
      expect(ids(await deadLetters.list({ limit: 4, newestFirst: true }))).toEqual(newest.slice(0, 4));
      expect(ids(await deadLetters.list({ limit: 4, newestFirst: true, afterId: newest[3]! }))).toEqual(newest.slice(4));
      expect(ids(await deadLetters.list({ limit: 4, newestFirst: true, afterId: newest[5]! }))).toEqual([]);
    });

    test('list filters by status; afterId may name an entry of another status', async () => {
      const { deadLetters } = ports();
      await deadLetters.add(ARRIVALS.map((id, i) => deadLetter(id, i % 2 ? { status: 'reprocessed', resolvedAt: '2026-03-02T09:00:00.000Z', resolvedEventId: `evt-new-${id}` } : {})));
      expect(ids(await deadLetters.list({ limit: 10, status: 'open' }))).toEqual(['dl-m', 'dl-x', 'dl-q']);
      expect(ids(await deadLetters.list({ limit: 10, status: 'reprocessed' }))).toEqual(['dl-c', 'dl-a', 'dl-f']);
      expect(ids(await deadLetters.list({ limit: 10, status: 'open', afterId: 'dl-c' }))).toEqual(['dl-x', 'dl-q']);
      expect(ids(await deadLetters.list({ limit: 1, status: 'open', afterId: 'dl-c' }))).toEqual(['dl-x']);
      expect(ids(await deadLetters.list({ limit: 10, status: 'reprocessed', newestFirst: true, afterId: 'dl-q' }))).toEqual(['dl-a', 'dl-c']);
    });

    test('update replaces the entry; count follows status', async () => {
      const { deadLetters } = ports();
      await deadLetters.add([deadLetter('dl-1'), deadLetter('dl-2'), deadLetter('dl-3')]);
      expect(await deadLetters.count('open')).toBe(3);
      expect(await deadLetters.count('reprocessed')).toBe(0);
      const resolved = deadLetter('dl-2', { status: 'reprocessed', attempts: 2, resolvedAt: '2026-03-02T09:00:00.000Z', resolvedEventId: 'evt-new', reasons: [] });
      await deadLetters.update(resolved);
      expect(await deadLetters.get('dl-2')).toStrictEqual(resolved);
      expect(await deadLetters.count('open')).toBe(2);
      expect(await deadLetters.count('reprocessed')).toBe(1);
      expect(ids(await deadLetters.list({ limit: 10 }))).toEqual(['dl-1', 'dl-2', 'dl-3']);
      expect(ids(await deadLetters.list({ limit: 10, status: 'open' }))).toEqual(['dl-1', 'dl-3']);
    });
      test('withSubjectHashes finds a council\'s dead letters by any of the blind indexes they carry', async () => {
      const { deadLetters } = ports();
      await deadLetters.add([deadLetter('dl-a', { subjectHashes: ['h1', 'h2'] }), deadLetter('dl-b', { subjectHashes: ['h3'] }), deadLetter('dl-c'), deadLetter('dl-d', { controller: 'council-b', subjectHashes: ['h1'] })]);
      expect((await deadLetters.withSubjectHashes('council-a', ['h2', 'h3', 'h9'])).map((d) => d.id).sort()).toEqual(['dl-a', 'dl-b']);
      expect((await deadLetters.withSubjectHashes('council-b', ['h1'])).map((d) => d.id)).toEqual(['dl-d']);
      expect(await deadLetters.withSubjectHashes('council-a', [])).toEqual([]);
      expect((await deadLetters.get('dl-a'))!.subjectHashes).toEqual(['h1', 'h2']);
    });
});
}
