import { byTaskId, disposed, freshPorts, record, task, UNSTORABLE, type PortsFactory } from './ports-under-test';

const AT = '2026-02-01T10:00:00.000Z';

export function deletionTasksConformance(adapter: string, open: PortsFactory) {
  describe(`DeletionTasks conformance: ${adapter}`, () => {
    const ports = freshPorts(open);

    test('begin marks the records disposing, creates their tasks and audits, in one call', async () => {
      const { registry, tasks, audit } = ports();
      await registry.save([record('rec-a')], [], AT);
      const r = record('rec-a', { status: 'disposing', disposal: { startedAt: AT, completedAt: null, receipts: [] } });
      const ts = [task('rec-a', 'crm'), task('rec-a', 'recordings')];
      await tasks.begin([r], ts, [{ actor: 'sweeper', action: 'disposal.started', target: { kind: 'record', id: 'rec-a' }, reason: 'due' }], AT);
      expect((await registry.get(['rec-a'])).get('rec-a')).toStrictEqual(r);
      expect(byTaskId(await tasks.ofRecords(['rec-a']))).toStrictEqual(byTaskId(ts));
      expect((await registry.disposing(10)).map((x) => x.id)).toEqual(['rec-a']);
      expect((await audit.list({ limit: 10 })).map((e) => [e.action, e.at])).toEqual([['disposal.started', AT]]);
    });

    test('begin keeps existing tasks as they are (a retried plan makes no second task)', async () => {
      const { tasks } = ports();
      const first = task('rec-a', 'crm', { attempts: 2, lastError: 'HTTP 503', nextAttemptAt: '2026-02-01T11:00:00.000Z' });
      await tasks.begin([], [first], [], AT);
      await tasks.begin([], [task('rec-a', 'crm'), task('rec-a', 'files')], [], AT);
      const got = byTaskId(await tasks.ofRecords(['rec-a']));
      expect(got).toStrictEqual(byTaskId([first, task('rec-a', 'files')]));
    });

    test('begin is one unit: when its audit entries cannot be stored, no record or task changes', async () => {
      const { registry, tasks, audit } = ports();
      await registry.save([record('rec-a')], [], AT);
      await expect(tasks.begin([record('rec-a', { status: 'disposing' })], [task('rec-a', 'crm')], [UNSTORABLE], AT)).rejects.toThrow();
      expect((await registry.get(['rec-a'])).get('rec-a')!.status).toBe('active');
      expect(await tasks.ofRecords(['rec-a'])).toEqual([]);
      expect(await audit.head()).toBeNull();
    });

    test('ready returns pending tasks whose time has come (inclusive), earliest first, up to the limit', async () => {
      const { tasks } = ports();
      await tasks.begin(
        [],
        [
          task('rec-1', 'a', { nextAttemptAt: '2026-02-01T12:00:00.000Z' }),
          task('rec-2', 'a', { nextAttemptAt: '2026-02-01T09:00:00.000Z' }),
          task('rec-3', 'a', { nextAttemptAt: '2026-02-01T13:00:00.000Z' }),
          task('rec-4', 'a', { nextAttemptAt: '2026-02-01T12:00:00.001Z' }),
          task('rec-5', 'a', { nextAttemptAt: '2026-02-01T08:00:00.000Z', status: 'failed' }),
          task('rec-6', 'a', { nextAttemptAt: '2026-02-01T08:00:00.000Z', status: 'done' }),
          task('rec-7', 'a', { nextAttemptAt: '2026-02-01T10:00:00.000Z' }),
        ],
        [],
        AT,
      );
      const now = '2026-02-01T12:00:00.000Z';
      expect((await tasks.ready(now, 10)).map((t) => t.recordId)).toEqual(['rec-2', 'rec-7', 'rec-1']);
      expect((await tasks.ready(now, 2)).map((t) => t.recordId)).toEqual(['rec-2', 'rec-7']);
      expect(await tasks.ready('2026-01-01T00:00:00.000Z', 10)).toEqual([]);
    });

    test('update stores every field, moves tasks between ready and failed, and audits', async () => {
      const { tasks, audit } = ports();
      await tasks.begin([], [task('rec-a', 'crm'), task('rec-a', 'files'), task('rec-a', 'web')], [], AT);
      const later = '2026-02-01T10:05:00.000Z';
      const done = task('rec-a', 'crm', { status: 'done', attempts: 1, locator: '[disposed]', receipt: { store: 'crm', outcome: 'deleted', at: later, detail: 'HTTP 204', reference: 'del-1' } });
      const failed = task('rec-a', 'files', { status: 'failed', attempts: 5, lastError: 'permission denied' });
      const retry = task('rec-a', 'web', { attempts: 1, lastError: 'HTTP 429', nextAttemptAt: '2026-02-01T11:00:00.000Z' });
      await tasks.update([done, failed, retry], [{ actor: 'sweeper', action: 'deletion.escalated', target: { kind: 'task', id: failed.taskId }, reason: 'gave up' }], later);
      expect(byTaskId(await tasks.ofRecords(['rec-a']))).toStrictEqual(byTaskId([done, failed, retry]));
      expect(await tasks.ready(later, 10)).toEqual([]);
      expect(await tasks.ready('2026-02-01T11:00:00.000Z', 10)).toStrictEqual([retry]);
      expect(await tasks.failed(10)).toStrictEqual([failed]);
      expect((await audit.list({ limit: 10 })).map((e) => [e.action, e.target?.id, e.at])).toEqual([['deletion.escalated', failed.taskId, later]]);
    });

    test('update is one unit: when its audit entries cannot be stored, no task changes', async () => {
      const { tasks } = ports();
      const t = task('rec-a', 'crm');
      await tasks.begin([], [t], [], AT);
      await expect(tasks.update([{ ...t, status: 'failed', attempts: 9 }], [UNSTORABLE], AT)).rejects.toThrow();
      expect(await tasks.ofRecords(['rec-a'])).toStrictEqual([t]);
    });

    test('ofRecords returns every task of the given records and none of others', async () => {
      const { tasks } = ports();
      const ts = [task('rec-a', 'crm'), task('rec-b', 'crm'), task('rec-a', 'files'), task('rec-c', 'crm')];
      await tasks.begin([], ts, [], AT);
      expect(byTaskId(await tasks.ofRecords(['rec-a', 'rec-c', 'rec-none']))).toStrictEqual(byTaskId([ts[0]!, ts[2]!, ts[3]!]));
      expect(await tasks.ofRecords([])).toEqual([]);
      expect(await tasks.ofRecords(['rec-none'])).toEqual([]);
    });

    test('failed returns failed tasks only, up to the limit', async () => {
      const { tasks } = ports();
      await tasks.begin([], [task('rec-1', 'a', { status: 'failed' }), task('rec-2', 'a'), task('rec-3', 'a', { status: 'failed' }), task('rec-4', 'a', { status: 'done' }), task('rec-5', 'a', { status: 'failed' })], [], AT);
      expect(byTaskId(await tasks.failed(10)).map((t) => t.recordId)).toEqual(['rec-1', 'rec-3', 'rec-5']);
      const two = await tasks.failed(2);
      expect(two).toHaveLength(2);
      for (const t of two) expect(t.status).toBe('failed');
    });

    test('nextAttemptAt is the earliest time a pending task may run, or null', async () => {
      const { tasks } = ports();
      expect(await tasks.nextAttemptAt()).toBeNull();
      await tasks.begin([], [task('rec-1', 'a', { status: 'failed', nextAttemptAt: '2020-01-01T00:00:00.000Z' }), task('rec-2', 'a', { status: 'done', nextAttemptAt: '2020-01-01T00:00:00.000Z' })], [], AT);
      expect(await tasks.nextAttemptAt()).toBeNull();
      await tasks.begin([], [task('rec-3', 'a', { nextAttemptAt: '2026-03-01T00:00:00.000Z' }), task('rec-4', 'a', { nextAttemptAt: '2026-02-15T00:00:00.000Z' })], [], AT);
      expect(await tasks.nextAttemptAt()).toBe('2026-02-15T00:00:00.000Z');
    });

    test('complete marks records disposed with their receipts and audits, in one call', async () => {
      const { registry, tasks, audit } = ports();
      const r = record('rec-a', { status: 'disposing' });
      await tasks.begin([r], [task('rec-a', 'crm')], [], AT);
      const done = disposed(r, '2026-02-01T10:30:00.000Z');
      await tasks.complete([done], [{ actor: 'sweeper', action: 'record.disposed', target: { kind: 'record', id: 'rec-a' }, reason: 'retention ended', details: { receipts: [{ store: 'crm', reference: undefined }] } }], '2026-02-01T10:30:00.000Z');
      expect((await registry.get(['rec-a'])).get('rec-a')).toStrictEqual(done);
      expect(await registry.disposing(10)).toEqual([]);
      expect((await registry.stats(AT, AT)).recentlyDisposed).toStrictEqual([done]);
      expect((await audit.list({ limit: 10 })).map((e) => e.action)).toEqual(['record.disposed']);
      expect((await audit.verify()).ok).toBe(true);
    });

    test('settle saves task outcomes and the records they finished, with their audit entries, in one call', async () => {
      const { registry, tasks, audit } = ports();
      const a = record('rec-a', { status: 'disposing' });
      const b = record('rec-b', { status: 'disposing' });
      await tasks.begin([a, b], [task('rec-a', 'crm'), task('rec-b', 'crm')], [], AT);
      const doneA = task('rec-a', 'crm', { status: 'done', attempts: 1, locator: '[disposed]', receipt: { store: 'crm', outcome: 'deleted', at: AT, detail: 'HTTP 204' } });
      const retryB = task('rec-b', 'crm', { attempts: 1, lastError: 'HTTP 503', nextAttemptAt: '2026-02-01T10:05:00.000Z' });
      const finished = disposed(a, '2026-02-01T10:30:00.000Z');
      await tasks.settle([doneA, retryB], [finished], [{ actor: 'sweeper', action: 'record.disposed', target: { kind: 'record', id: 'rec-a' }, reason: 'retention ended' }], '2026-02-01T10:30:00.000Z');
      expect(byTaskId(await tasks.ofRecords(['rec-a', 'rec-b']))).toStrictEqual(byTaskId([doneA, retryB]));
      expect((await registry.get(['rec-a'])).get('rec-a')).toStrictEqual(finished);
      expect((await registry.disposing(10)).map((x) => x.id)).toEqual(['rec-b']);
      expect(await tasks.nextAttemptAt()).toBe('2026-02-01T10:05:00.000Z');
      expect((await audit.list({ limit: 10 })).map((e) => [e.action, e.at])).toEqual([['record.disposed', '2026-02-01T10:30:00.000Z']]);
      expect((await audit.verify()).ok).toBe(true);
    });

    test('settle is one unit: when its audit entries cannot be stored, neither the tasks nor the records change', async () => {
      const { registry, tasks } = ports();
      const r = record('rec-a', { status: 'disposing' });
      const pending = task('rec-a', 'crm');
      await tasks.begin([r], [pending], [], AT);
      const done = task('rec-a', 'crm', { status: 'done', attempts: 1, locator: '[disposed]', receipt: { store: 'crm', outcome: 'deleted', at: AT, detail: 'HTTP 204' } });
      await expect(tasks.settle([done], [disposed(r, AT)], [UNSTORABLE], AT)).rejects.toThrow();
      expect(await tasks.ofRecords(['rec-a'])).toStrictEqual([pending]);
      expect((await registry.get(['rec-a'])).get('rec-a')).toStrictEqual(r);
    });

    test('complete is one unit: when its audit entries cannot be stored, the record stays disposing', async () => {
      const { registry, tasks } = ports();
      const r = record('rec-a', { status: 'disposing' });
      await tasks.begin([r], [], [], AT);
      await expect(tasks.complete([disposed(r, AT)], [UNSTORABLE], AT)).rejects.toThrow();
      expect((await registry.get(['rec-a'])).get('rec-a')).toStrictEqual(r);
    });
  });
}
