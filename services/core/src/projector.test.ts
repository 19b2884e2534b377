import { PolicyBook } from './policy-packs';
import { LIFECYCLE_GROUP, Projector } from './projector';
import { ev, realPacks, testPlatform } from './test-support/memory-ports';

const NK = 'north-kesteven';

async function recordOf(t: ReturnType<typeof testPlatform>, controller: string, category: string, key: string) {
  const id = t.master.recordId(controller, category, key);
  return (await t.ports.registry.get([id])).get(id);
}

describe('Projector', () => {
  it('registers a record from its first event and moves the due time when it is closed', async () => {
    const t = testPlatform();
    await t.platform.ingest([ev.complaintOpened(NK, 'CMP-1', '2024-01-10T10:00:00Z')], 'svc');
    expect(await t.platform.project()).toBe(1);
    let r = await recordOf(t, NK, 'complaint', 'CMP-1');
    expect(r).toMatchObject({ status: 'active', controller: NK, category: 'complaint', dueAt: null, policyVersion: 'north-kesteven@1.0.0', lawfulBasis: '6(1)(e)', lastOffset: 1 });
    expect(r!.id).toBe(t.master.recordId(NK, 'complaint', 'CMP-1'));
    expect(r!.subjectRef).toBe(t.ports.bus.log[0]!.subjectRef);

    await t.platform.ingest([ev.complaintClosed(NK, 'CMP-1', '2024-03-01T12:00:00+00:00')], 'svc');
    expect(await t.platform.project()).toBe(1);
    r = await recordOf(t, NK, 'complaint', 'CMP-1');
    expect(r!.dueAt).toBe('2031-03-01T12:00:00.000Z');
    expect(r!.lifecycle.events).toBe(2);
    expect(await t.ports.bus.committed(LIFECYCLE_GROUP)).toBe(2);

    const audit = t.ports.audit.entries.filter((e) => e.actor === 'lifecycle');
    expect(audit.map((e) => e.action)).toEqual(['record.registered', 'record.due-changed']);
    expect(audit[0]).toMatchObject({ target: { kind: 'record', id: r!.id }, policyVersion: 'north-kesteven@1.0.0', details: { controller: NK, category: 'complaint', lawfulBasis: '6(1)(e)', dueAt: null, stores: ['crm'] } });
    expect(audit[1]!.details).toMatchObject({ dueAt: '2031-03-01T12:00:00.000Z', type: 'complaint.closed' });
    expect(audit[1]!.reason).toContain('P7Y from closure');
  });

  it('does not audit an update that leaves the due time alone', async () => {
    const t = testPlatform();
    await t.platform.ingest([ev.complaintOpened(NK, 'CMP-1', '2024-01-10T10:00:00Z')], 'svc');
    await t.platform.project();
    await t.platform.ingest([{ ...ev.complaintClosed(NK, 'CMP-1', '2024-01-11T10:00:00Z'), type: 'complaint.updated', payload: { complaintRef: 'CMP-1', stage: 2 } }], 'svc');
    await t.platform.project();
    expect(t.ports.audit.actions().filter((a) => a.startsWith('record.'))).toEqual(['record.registered']);
    expect((await recordOf(t, NK, 'complaint', 'CMP-1'))!.lifecycle.events).toBe(2);
  });

  it('out-of-order delivery: a close ingested before its open gives the right lifecycle', async () => {
    const t = testPlatform();
    await t.platform.ingest([ev.complaintClosed(NK, 'CMP-1', '2024-03-01T12:00:00Z')], 'svc');
    await t.platform.project();
    await t.platform.ingest([ev.complaintOpened(NK, 'CMP-1', '2024-01-10T10:00:00Z')], 'svc');
    await t.platform.project();
    const r = await recordOf(t, NK, 'complaint', 'CMP-1');
    expect(r!.lifecycle).toMatchObject({ firstAt: '2024-01-10T10:00:00.000Z', lastAt: '2024-03-01T12:00:00.000Z', closedAt: '2024-03-01T12:00:00.000Z', open: false, events: 2 });
    expect(r!.dueAt).toBe('2031-03-01T12:00:00.000Z');
  });

  it('several events of one record in one batch are applied in offset order', async () => {
    const t = testPlatform();
    await t.platform.ingest([ev.complaintOpened(NK, 'CMP-1', '2024-01-10T10:00:00Z'), ev.complaintClosed(NK, 'CMP-1', '2024-03-01T12:00:00Z'), ev.complaintOpened(NK, 'CMP-2', '2024-01-12T10:00:00Z')], 'svc');
    expect(await t.platform.project()).toBe(3);
    expect((await recordOf(t, NK, 'complaint', 'CMP-1'))!.lastOffset).toBe(2);
    expect((await recordOf(t, NK, 'complaint', 'CMP-2'))!.lastOffset).toBe(3);
    expect(t.ports.registry.records.size).toBe(2);
  });

  it('a replay (the group moved back) has no second effect', async () => {
    const t = testPlatform();
    await t.platform.ingest([ev.complaintOpened(NK, 'CMP-1', '2024-01-10T10:00:00Z'), ev.complaintClosed(NK, 'CMP-1', '2024-03-01T12:00:00Z')], 'svc');
    await t.platform.project();
    const before = await recordOf(t, NK, 'complaint', 'CMP-1');
    const auditBefore = t.ports.audit.entries.length;
    await t.ports.bus.seek(LIFECYCLE_GROUP, { offset: 1 });
    expect(await t.ports.bus.committed(LIFECYCLE_GROUP)).toBe(0);
    expect(await t.platform.project()).toBe(2);
    expect(await recordOf(t, NK, 'complaint', 'CMP-1')).toEqual(before);
    expect(t.ports.audit.entries.length).toBe(auditBefore);
  });

  it('a crash between save and commit re-applies the batch without a second effect', async () => {
    const t = testPlatform();
    await t.platform.ingest([ev.complaintOpened(NK, 'CMP-1', '2024-01-10T10:00:00Z')], 'svc');
    const commit = jest.spyOn(t.ports.bus, 'commit').mockRejectedValueOnce(new Error('crash'));
    await expect(t.platform.project()).rejects.toThrow('crash');
    expect(await t.ports.bus.committed(LIFECYCLE_GROUP)).toBe(0);
    commit.mockRestore();
    expect(await t.platform.project()).toBe(1);
    expect((await recordOf(t, NK, 'complaint', 'CMP-1'))!.lifecycle.events).toBe(1);
    expect(t.ports.audit.actions().filter((a) => a === 'record.registered')).toHaveLength(1);
  });

  it('drains in batches of the configured size', async () => {
    const t = testPlatform();
    await t.platform.ingest(['A', 'B', 'C', 'D', 'E'].map((k) => ev.complaintOpened(NK, `CMP-${k}`, '2024-01-10T10:00:00Z')), 'svc');
    const p = new Projector({ clock: t.clock, book: t.book, bus: t.ports.bus, registry: t.ports.registry }, 'small', 2);
    expect(await p.step()).toBe(2);
    expect(await t.ports.bus.committed('small')).toBe(2);
    expect(await p.drain()).toBe(3);
    expect(await p.step()).toBe(0);
    expect(t.ports.registry.records.size).toBe(5);
  });

  it('an event whose council pack is no longer loaded is not applied, is audited, and does not block the log', async () => {
    const t = testPlatform();
    await t.platform.ingest([ev.complaintOpened(NK, 'CMP-1', '2024-01-10T10:00:00Z'), ev.enquiry('derby', 'ENQ-1', '2024-01-10T10:00:00Z')], 'svc');
    const withoutNk = new PolicyBook(realPacks().filter((p) => p.pack.id !== NK));
    const p = new Projector({ clock: t.clock, book: withoutNk, bus: t.ports.bus, registry: t.ports.registry });
    expect(await p.drain()).toBe(2);
    expect(await recordOf(t, NK, 'complaint', 'CMP-1')).toBeUndefined();
    expect(await recordOf(t, 'derby', 'enquiry', 'ENQ-1')).toBeDefined();
    const na = t.ports.audit.entries.find((e) => e.action === 'event.not-applied')!;
    expect(na.target).toEqual({ kind: 'event', id: t.ports.bus.log[0]!.eventId });
    expect(await t.ports.bus.committed(LIFECYCLE_GROUP)).toBe(2);
  });

  it('each council gets its own rule: 40 days for a Newark & Sherwood recording, 6 months for Nottinghamshire', async () => {
    const t = testPlatform();
    await t.platform.ingest(
      [
        ev.call('newark-sherwood', 'REC-1', '2024-01-10T10:00:00Z', [{ store: '8x8', locator: 'r1' }]),
        ev.call('nottinghamshire', 'REC-1', '2024-01-10T10:00:00Z', [{ store: 'call-recordings', locator: 'r1' }]),
        ev.payment('derby', 'PAY-1', '2024-06-01T10:00:00Z', 'permit'),
      ],
      'svc',
    );
    await t.platform.project();
    expect((await recordOf(t, 'newark-sherwood', 'call-recording', 'REC-1'))!.dueAt).toBe('2024-02-19T10:00:00.000Z');
    expect((await recordOf(t, 'nottinghamshire', 'call-recording', 'REC-1'))!.dueAt).toBe('2024-07-10T10:00:00.000Z');
    const pay = await recordOf(t, 'derby', 'payment', 'PAY-1');
    expect(pay!.dueAt).toBe('2031-03-31T22:59:59.999Z');
    expect(pay!.team).toBeNull();
    const rec = await recordOf(t, 'newark-sherwood', 'call-recording', 'REC-1');
    expect(rec).toMatchObject({ team: 'customer-services', callCentreLocation: 'castle-house' });
  });
});
