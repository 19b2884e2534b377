import { disposed, freshPorts, record, task, UNSTORABLE, byId, type PortsFactory } from './ports-under-test';

export function registryConformance(adapter: string, open: PortsFactory) {
  describe(`Registry conformance: ${adapter}`, () => {
    const ports = freshPorts(open);

    test('get returns exactly what was saved, only for known ids, as copies', async () => {
      const { registry } = ports();
      const a = record('rec-a', { team: 'customer-services', callCentreLocation: 'castle-house', lifecycle: { ...record('x').lifecycle, escalatedAt: '2020-01-15T09:00:00.000Z', reopenedAt: '2020-01-20T09:00:00.000Z' } });
      const b = disposed(record('rec-b', { dueAt: null, clockStartedAt: null }), '2026-02-02T09:00:00.000Z');
      await registry.save([a, b], [], '2026-01-01T00:00:00.000Z');
      const got = await registry.get(['rec-a', 'rec-b', 'rec-missing']);
      expect([...got.keys()].sort()).toEqual(['rec-a', 'rec-b']);
      expect(got.get('rec-a')).toStrictEqual(a);
      expect(got.get('rec-b')).toStrictEqual(b);
      got.get('rec-a')!.locations.push({ store: 'x', locator: 'y' });
      expect((await registry.get(['rec-a'])).get('rec-a')).toStrictEqual(a);
    });

    test('save replaces a record and appends its audit entries in the same call', async () => {
      const { registry, audit } = ports();
      await registry.save([record('rec-a')], [{ actor: 'projector', action: 'record.registered', target: { kind: 'record', id: 'rec-a' }, reason: 'first event', policyVersion: 'council-a@1.0.0' }], '2026-01-01T00:00:00.000Z');
      const changed = record('rec-a', { subjectRef: 'subj-2', dueAt: '2027-01-01T00:00:00.000Z', lastOffset: 9 });
      await registry.save([changed], [{ actor: 'projector', action: 'record.updated', target: { kind: 'record', id: 'rec-a' }, reason: 'due time moved' }], '2026-01-02T00:00:00.000Z');
      expect((await registry.get(['rec-a'])).get('rec-a')).toStrictEqual(changed);
      expect(await registry.bySubject('subj-1', 10)).toEqual([]);
      const entries = await audit.list({ limit: 10 });
      expect(entries.map((e) => [e.seq, e.action, e.at])).toEqual([
        [1, 'record.registered', '2026-01-01T00:00:00.000Z'],
        [2, 'record.updated', '2026-01-02T00:00:00.000Z'],
      ]);
      await registry.save([record('rec-b')], [], '2026-01-03T00:00:00.000Z');
      expect(await audit.head()).toEqual({ seq: 2, hash: entries[1]!.hash });
    });

    test('save is one unit: when its audit entries cannot be stored, no record changes either', async () => {
      const { registry, audit } = ports();
      await registry.save([record('rec-a')], [], '2026-01-01T00:00:00.000Z');
      await expect(registry.save([record('rec-a', { status: 'disposing' }), record('rec-new')], [UNSTORABLE], '2026-01-02T00:00:00.000Z')).rejects.toThrow();
      const got = await registry.get(['rec-a', 'rec-new']);
      expect([...got.keys()]).toEqual(['rec-a']);
      expect(got.get('rec-a')!.status).toBe('active');
      expect(await audit.head()).toBeNull();
    });

    test('bySubject returns that subject only, ordered by record id, up to the limit', async () => {
      const { registry } = ports();
      await registry.save([record('rec-c'), record('rec-a'), record('rec-x', { subjectRef: 'subj-2' }), record('rec-b')], [], '2026-01-01T00:00:00.000Z');
      expect((await registry.bySubject('subj-1', 10)).map((r) => r.id)).toEqual(['rec-a', 'rec-b', 'rec-c']);
      expect((await registry.bySubject('subj-1', 2)).map((r) => r.id)).toEqual(['rec-a', 'rec-b']);
      expect((await registry.bySubject('subj-9', 10)).map((r) => r.id)).toEqual([]);
    });

    test('due returns active records whose due time has passed (inclusive), earliest first, up to the limit', async () => {
      const { registry } = ports();
      const now = '2026-06-01T00:00:00.000Z';
      await registry.save(
        [
          record('rec-late', { dueAt: '2026-05-01T00:00:00.000Z' }),
          record('rec-early', { dueAt: '2025-01-01T00:00:00.000Z' }),
          record('rec-now', { dueAt: now }),
          record('rec-future', { dueAt: '2026-06-01T00:00:00.001Z' }),
          record('rec-open', { dueAt: null }),
          record('rec-disposing', { status: 'disposing', dueAt: '2024-01-01T00:00:00.000Z' }),
          disposed(record('rec-gone', { dueAt: '2024-01-01T00:00:00.000Z' }), '2024-02-01T00:00:00.000Z'),
          record('rec-mid', { dueAt: '2025-06-01T00:00:00.000Z' }),
        ],
        [],
        '2026-01-01T00:00:00.000Z',
      );
      expect((await registry.due(now, 10)).map((r) => r.id)).toEqual(['rec-early', 'rec-mid', 'rec-late', 'rec-now']);
      expect((await registry.due(now, 2)).map((r) => r.id)).toEqual(['rec-early', 'rec-mid']);
      expect(await registry.due('2020-01-01T00:00:00.000Z', 10)).toEqual([]);
      expect(await registry.due(now, 0)).toEqual([]);
      const [first] = await registry.due(now, 1);
      expect(first).toStrictEqual(record('rec-early', { dueAt: '2025-01-01T00:00:00.000Z' }));
    });

    test('disposing returns the records left mid-disposal, up to the limit', async () => {
      const { registry } = ports();
      await registry.save([record('rec-1', { status: 'disposing' }), record('rec-2'), record('rec-3', { status: 'disposing' }), record('rec-4', { status: 'disposing' })], [], '2026-01-01T00:00:00.000Z');
      expect(byId(await registry.disposing(10)).map((r) => r.id)).toEqual(['rec-1', 'rec-3', 'rec-4']);
      const two = await registry.disposing(2);
      expect(two).toHaveLength(2);
      for (const r of two) expect(r.status).toBe('disposing');
    });

    test('nextDueAt is the earliest due time of an active record, or null', async () => {
      const { registry } = ports();
      expect(await registry.nextDueAt()).toBeNull();
      await registry.save([record('rec-disposing', { status: 'disposing', dueAt: '2020-01-01T00:00:00.000Z' }), record('rec-open', { dueAt: null })], [], '2026-01-01T00:00:00.000Z');
      expect(await registry.nextDueAt()).toBeNull();
      await registry.save([record('rec-b', { dueAt: '2029-01-01T00:00:00.000Z' }), record('rec-a', { dueAt: '2028-01-01T00:00:00.000Z' })], [], '2026-01-01T00:00:00.000Z');
      expect(await registry.nextDueAt()).toBe('2028-01-01T00:00:00.000Z');
    });

    test('stats: counts by controller/category/status, due soon, recently disposed, task counts', async () => {
      const { registry, tasks } = ports();
      const recs = [
        record('rec-1', { controller: 'council-b', dueAt: '2026-07-01T00:00:00.000Z' }),
        record('rec-2', { controller: 'council-a', category: 'payment', dueAt: '2026-06-15T00:00:00.000Z' }),
        record('rec-3', { controller: 'council-a', dueAt: '2027-01-01T00:00:00.000Z' }),
        record('rec-4', { controller: 'council-a', status: 'disposing' }),
        disposed(record('rec-5'), '2026-05-01T00:00:00.000Z'),
        disposed(record('rec-6'), '2026-05-03T00:00:00.000Z'),
        record('rec-7', { controller: 'council-a', dueAt: '2026-05-01T00:00:00.000Z' }),
      ];
      await registry.save(recs, [], '2026-01-01T00:00:00.000Z');
      await tasks.begin([], [task('rec-4', 'crm'), task('rec-4', 'recordings', { status: 'failed' }), task('rec-4', 'files', { status: 'done' }), task('rec-4', 'web')], [], '2026-01-01T00:00:00.000Z');
      const s = await registry.stats('2026-06-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z');
      expect(s.byControllerCategoryStatus).toEqual([
        { controller: 'council-a', category: 'complaint', status: 'active', count: 2 },
        { controller: 'council-a', category: 'complaint', status: 'disposed', count: 2 },
        { controller: 'council-a', category: 'complaint', status: 'disposing', count: 1 },
        { controller: 'council-a', category: 'payment', status: 'active', count: 1 },
        { controller: 'council-b', category: 'complaint', status: 'active', count: 1 },
      ]);
      expect(s.dueSoon.map((r) => r.id)).toEqual(['rec-7', 'rec-2', 'rec-1']);
      expect(s.recentlyDisposed.map((r) => r.id)).toEqual(['rec-6', 'rec-5']);
      expect(s.recentlyDisposed[0]).toStrictEqual(recs[5]);
      expect(s.failedTasks).toBe(1);
      expect(s.pendingTasks).toBe(2);
    });

    test('stats lists at most 20 records due soon and 20 recently disposed', async () => {
      const { registry } = ports();
      const many = Array.from({ length: 25 }, (_, i) => record(`rec-due-${String(i).padStart(2, '0')}`, { dueAt: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` }));
      const gone = Array.from({ length: 25 }, (_, i) => disposed(record(`rec-gone-${String(i).padStart(2, '0')}`), `2025-12-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`));
      await registry.save([...many, ...gone], [], '2026-01-01T00:00:00.000Z');
      const s = await registry.stats('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z');
      expect(s.dueSoon.map((r) => r.id)).toEqual(many.slice(0, 20).map((r) => r.id));
      expect(s.recentlyDisposed.map((r) => r.id)).toEqual(gone.slice(5).reverse().map((r) => r.id));
    });
  });
}
