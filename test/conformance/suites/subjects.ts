import { freshPorts, type PortsFactory } from './ports-under-test';

const T1 = '2026-01-01T09:00:00.000Z';
const T2 = '2026-01-02T09:00:00.000Z';
const T3 = '2026-01-03T09:00:00.000Z';

export function subjectIndexConformance(adapter: string, open: PortsFactory) {
  describe(`SubjectIndex conformance: ${adapter}`, () => {
    const ports = freshPorts(open);

    test('unknown hashes create the new subject; known ones resolve to their subject', async () => {
      const { subjects } = ports();
      expect(await subjects.resolve([{ controller: 'council-a', hashes: ['h1', 'h2'], newRef: 'subj-1' }], T1)).toEqual([{ ref: 'subj-1', created: true, conflicts: [] }]);
      expect(await subjects.resolve([{ controller: 'council-a', hashes: ['h2'], newRef: 'subj-2' }], T2)).toEqual([{ ref: 'subj-1', created: false, conflicts: [] }]);
      expect(await subjects.resolve([], T2)).toEqual([]);
    });

    test('hashes a subject did not have are added to it', async () => {
      const { subjects } = ports();
      await subjects.resolve([{ controller: 'council-a', hashes: ['h1'], newRef: 'subj-1' }], T1);
      expect(await subjects.resolve([{ controller: 'council-a', hashes: ['h1', 'h3'], newRef: 'subj-2' }], T2)).toEqual([{ ref: 'subj-1', created: false, conflicts: [] }]);
      expect(await subjects.resolve([{ controller: 'council-a', hashes: ['h3'], newRef: 'subj-3' }], T3)).toEqual([{ ref: 'subj-1', created: false, conflicts: [] }]);
    });

    test('the index is per controller', async () => {
      const { subjects } = ports();
      await subjects.resolve([{ controller: 'council-a', hashes: ['h1'], newRef: 'subj-1' }], T1);
      expect(await subjects.resolve([{ controller: 'council-b', hashes: ['h1'], newRef: 'subj-2' }], T2)).toEqual([{ ref: 'subj-2', created: true, conflicts: [] }]);
      expect(await subjects.resolve([{ controller: 'council-a', hashes: ['h1'], newRef: 'subj-3' }], T3)).toEqual([{ ref: 'subj-1', created: false, conflicts: [] }]);
    });

    test('later requests in one call see the subjects earlier ones created or extended', async () => {
      const { subjects } = ports();
      const out = await subjects.resolve(
        [
          { controller: 'council-a', hashes: ['h1'], newRef: 'subj-1' },
          { controller: 'council-a', hashes: ['h1', 'h2'], newRef: 'subj-2' },
          { controller: 'council-a', hashes: ['h2'], newRef: 'subj-3' },
          { controller: 'council-a', hashes: ['h9'], newRef: 'subj-4' },
        ],
        T1,
      );
      expect(out).toEqual([
        { ref: 'subj-1', created: true, conflicts: [] },
        { ref: 'subj-1', created: false, conflicts: [] },
        { ref: 'subj-1', created: false, conflicts: [] },
        { ref: 'subj-4', created: true, conflicts: [] },
      ]);
    });

    test('hashes of two subjects resolve to the earlier-created one and name the other as a conflict; no hash moves', async () => {
      const { subjects } = ports();
      // refs sort opposite to creation order, so "earliest" cannot be read as "smallest ref"
      await subjects.resolve([{ controller: 'council-a', hashes: ['h-early'], newRef: 'subj-z' }], T1);
      await subjects.resolve([{ controller: 'council-a', hashes: ['h-late'], newRef: 'subj-a' }], T2);
      await subjects.resolve([{ controller: 'council-a', hashes: ['h-third'], newRef: 'subj-m' }], T3);
      const [r] = await subjects.resolve([{ controller: 'council-a', hashes: ['h-late', 'h-early', 'h-third', 'h-new'], newRef: 'subj-new' }], T3);
      expect(r!.ref).toBe('subj-z');
      expect(r!.created).toBe(false);
      expect([...r!.conflicts].sort()).toEqual(['subj-a', 'subj-m']);
      expect(await subjects.resolve([{ controller: 'council-a', hashes: ['h-late'], newRef: 'x1' }, { controller: 'council-a', hashes: ['h-new'], newRef: 'x2' }], T3)).toEqual([
        { ref: 'subj-a', created: false, conflicts: [] },
        { ref: 'subj-z', created: false, conflicts: [] },
      ]);
    });
      test('find names the subject owning any of the hashes without creating one, the earlier-created one on a conflict', async () => {
      const { subjects } = ports();
      expect(await subjects.find('council-a', ['h1'])).toBeNull();
      await subjects.resolve([{ controller: 'council-a', hashes: ['h1', 'h2'], newRef: 'subj-x' }], '2026-01-01T00:00:00.000Z');
      await subjects.resolve([{ controller: 'council-a', hashes: ['h3'], newRef: 'subj-y' }], '2026-01-02T00:00:00.000Z');
      expect(await subjects.find('council-a', ['h2'])).toBe('subj-x');
      expect(await subjects.find('council-a', ['h3', 'h1'])).toBe('subj-x');
      expect(await subjects.find('council-b', ['h1'])).toBeNull();
      expect(await subjects.find('council-a', ['h9'])).toBeNull();
    });

    test('forget drops every hash of the subject: the same identifiers then make a new subject', async () => {
      const { subjects } = ports();
      await subjects.resolve([{ controller: 'council-a', hashes: ['h1', 'h2'], newRef: 'subj-x' }, { controller: 'council-b', hashes: ['h1'], newRef: 'subj-z' }, { controller: 'council-a', hashes: ['h3'], newRef: 'subj-y' }], '2026-01-01T00:00:00.000Z');
      expect((await subjects.forget('subj-x')).sort((a, b) => a.hash.localeCompare(b.hash))).toEqual([
        { controller: 'council-a', hash: 'h1' },
        { controller: 'council-a', hash: 'h2' },
      ]);
      expect(await subjects.find('council-b', ['h1'])).toBe('subj-z');
      expect(await subjects.find('council-a', ['h1', 'h2'])).toBeNull();
      expect(await subjects.find('council-a', ['h3'])).toBe('subj-y');
      const [again] = await subjects.resolve([{ controller: 'council-a', hashes: ['h1'], newRef: 'subj-new' }], '2026-02-01T00:00:00.000Z');
      expect(again).toEqual({ ref: 'subj-new', created: true, conflicts: [] });
      expect(await subjects.forget('subj-unknown')).toEqual([]);
    });
});
}
